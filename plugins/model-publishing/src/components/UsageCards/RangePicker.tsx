import { FormEvent, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField, { TextFieldProps } from '@material-ui/core/TextField';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import { makeStyles } from '@material-ui/core/styles';
import type { UsageRange } from './usageRange';
import { CustomRange, customRangeError, localDate } from './customRange';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/** A preset, or a custom range of whole days. */
export type RangeChoice =
  | { preset: UsageRange }
  | { preset: 'custom'; custom: CustomRange };

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'flex-start',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  date: { width: 170 },
}));

/** 24h / 7d / 30d, or Custom: two date fields and Apply (Enter applies too). */
export function RangePicker(props: {
  value: RangeChoice;
  onChange: (choice: RangeChoice) => void;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const classes = useStyles();
  const [custom, setCustom] = useState(props.value.preset === 'custom');
  const today = localDate(new Date());
  const weekAgo = localDate(new Date(Date.now() - 6 * 86_400_000));
  const [draft, setDraft] = useState<CustomRange>(
    props.value.preset === 'custom'
      ? props.value.custom
      : { from: weekAgo, to: today },
  );
  const [submitted, setSubmitted] = useState(false);
  const error = customRangeError(draft);
  // said while typing once both dates are there, and on Apply
  const shownError = submitted || (draft.from && draft.to) ? error : undefined;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!error) props.onChange({ preset: 'custom', custom: draft });
  };

  // Each name starts with the button's visible text (axe label-content-name-mismatch).
  const choices = [
    { value: '24h', text: t('usage.n24h'), name: t('usage.n24hLast24Hours') },
    { value: '7d', text: t('usage.n7d'), name: t('usage.n7dLast7Days') },
    { value: '30d', text: t('usage.n30d'), name: t('usage.n30dLast30Days') },
    { value: 'custom', text: t('usage.custom'), name: t('usage.customRange') },
  ];
  const dateField = (
    end: keyof CustomRange,
    label: string,
    more: Pick<TextFieldProps, 'inputProps' | 'error' | 'helperText'>,
  ) => (
    <TextField
      id={`usage-range-${end}`}
      className={classes.date}
      label={label}
      type="date"
      size="small"
      variant="outlined"
      value={draft[end]}
      onChange={e => setDraft(d => ({ ...d, [end]: e.target.value }))}
      InputLabelProps={{ shrink: true }}
      {...more}
    />
  );

  return (
    <Box className={classes.root}>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={custom ? 'custom' : props.value.preset}
        onChange={(_, value) => {
          if (!value) return;
          if (value === 'custom') {
            setCustom(true);
            return;
          }
          setCustom(false);
          props.onChange({ preset: value });
        }}
        aria-label={t('usage.usageRange')}
      >
        {choices.map(choice => (
          <ToggleButton
            key={choice.value}
            value={choice.value}
            aria-label={choice.name}
          >
            {choice.text}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      {custom && (
        <form className={classes.root} onSubmit={apply} noValidate>
          {dateField('from', t('usage.from'), { inputProps: { max: today } })}
          {dateField('to', t('usage.to'), {
            error: !!shownError,
            helperText: shownError,
          })}
          <Button type="submit" variant="outlined" size="small">
            {t('usage.apply')}
          </Button>
        </form>
      )}
    </Box>
  );
}
