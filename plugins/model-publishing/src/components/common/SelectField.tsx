import type { CSSProperties, ReactNode } from 'react';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import Select from '@material-ui/core/Select';

/**
 * An outlined select with its label; the options are MenuItems. Give it a `name`: MUI then gives the
 * shown value an id, and labels the button by the label and the chosen value, so its accessible name
 * contains its visible text (axe label-content-name-mismatch).
 */
export function SelectField(props: {
  labelId: string;
  id?: string;
  name?: string;
  label: string;
  value: string | number;
  onChange: (value: string) => void;
  children: ReactNode;
  helperText?: ReactNode;
  margin?: 'normal' | 'dense';
  size?: 'small';
  /** Full width unless a style sizes it. */
  style?: CSSProperties;
}) {
  return (
    <FormControl
      fullWidth={!props.style}
      margin={props.margin}
      variant="outlined"
      size={props.size}
      style={props.style}
    >
      <InputLabel id={props.labelId}>{props.label}</InputLabel>
      <Select
        labelId={props.labelId}
        id={props.id}
        name={props.name}
        value={props.value}
        onChange={e => props.onChange(String(e.target.value))}
        label={props.label}
      >
        {props.children}
      </Select>
      {props.helperText && <FormHelperText>{props.helperText}</FormHelperText>}
    </FormControl>
  );
}
