import Grid from '@material-ui/core/Grid';
import { TextInput, TextInputProps } from '../common/TextInput';
import { LIMIT_LABELS, LimitField } from './formState';

/** The publish form's text input: small, as the form holds many. */
export function FormField(props: TextInputProps) {
  return <TextInput size="small" {...props} />;
}

/**
 * One limit per key, a whole number. Two a row: the form sits in half the page on wide screens, and
 * two limits a row keep their labels whole.
 */
export function LimitInput(props: {
  id: string;
  field: LimitField;
  value: string;
  error?: string;
  onChange: (event: { target: { value: string } }) => void;
  disabled?: boolean;
  readOnly?: boolean;
  /** What an empty limit means, shown to a reader who may not change it. */
  emptyMeans: string;
}) {
  const { field, ...input } = props;
  return (
    <Grid item xs={12} sm={6}>
      <FormField
        {...input}
        label={LIMIT_LABELS[field]}
        type="number"
        inputProps={{ min: 1, step: 1 }}
      />
    </Grid>
  );
}
