import Button, { ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';

export type GatedButtonProps = ButtonProps & {
  /** False when the user lacks the permission: the button is disabled and `deniedReason` shows as a tooltip. */
  allowed: boolean;
  deniedReason: string;
};

/** A button that stays visible but disabled, with a tooltip saying why, when the user may not use it. */
export function GatedButton({
  allowed,
  deniedReason,
  disabled,
  ...props
}: GatedButtonProps) {
  if (allowed) return <Button disabled={disabled} {...props} />;
  return (
    <Tooltip title={deniedReason}>
      {/* A disabled button fires no events; the span carries the tooltip and keeps it reachable by keyboard. */}
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
      <span tabIndex={0} aria-label={deniedReason}>
        <Button disabled {...props} />
      </span>
    </Tooltip>
  );
}
