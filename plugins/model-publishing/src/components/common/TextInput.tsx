import type { ReactNode } from 'react';
import TextField, { OutlinedTextFieldProps } from '@material-ui/core/TextField';

export type TextInputProps = Omit<
  OutlinedTextFieldProps,
  'variant' | 'error' | 'helperText'
> & {
  /** What is wrong with the value, shown in place of the help. */
  error?: string;
  /** Under the field while it has no error; the default blank keeps the rows aligned. */
  help?: ReactNode;
  /** Shows the value without letting it change (someone who may not change the publication). */
  readOnly?: boolean;
  /** With readOnly, what an empty value means ("No limit"), shown in its place. */
  emptyMeans?: string;
};

/** The plugin's forms' text input: outlined, full width; its error replaces its help. */
export function TextInput(props: TextInputProps) {
  const { error, help = ' ', readOnly, emptyMeans, ...field } = props;
  const explainEmpty = readOnly && emptyMeans !== undefined;
  return (
    <TextField
      fullWidth
      variant="outlined"
      {...field}
      InputProps={
        readOnly ? { ...field.InputProps, readOnly } : field.InputProps
      }
      placeholder={explainEmpty ? emptyMeans : field.placeholder}
      InputLabelProps={explainEmpty ? { shrink: true } : field.InputLabelProps}
      error={!!error}
      helperText={error ?? help}
    />
  );
}
