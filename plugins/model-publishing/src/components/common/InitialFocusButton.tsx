import Button, { ButtonProps } from '@material-ui/core/Button';

/**
 * A Button that takes focus when it mounts (a dialog's safe default action).
 *
 * Why not `<Button autoFocus>`: MUI v4's ButtonBase pulsates its focus ripple from an effect as soon as
 * it sees keyboard focus, but it renders the ripple only after its own mount effect has re-rendered it.
 * Under React 18 the focus arrives during the first commit as a discrete (sync) update while the mount
 * flag is a default-priority update, so the button re-renders focused but still without its ripple and
 * the effect throws "Cannot read properties of null (reading 'pulsate')" — only when the user came by
 * keyboard (Enter/Space), which is when focus is "visible". Without the focus ripple there is nothing to
 * pulsate; the focus-visible style still shows.
 */
export function InitialFocusButton(props: Omit<ButtonProps, 'autoFocus'>) {
  return (
    // eslint-disable-next-line jsx-a11y/no-autofocus -- a modal dialog moves focus inside on open (WAI-ARIA dialog pattern)
    <Button {...props} autoFocus disableFocusRipple />
  );
}
