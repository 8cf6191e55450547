import { FormEvent, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
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
        {/* Each name starts with the button's visible text (axe label-content-name-mismatch). */}
        <ToggleButton value="24h" aria-label={t('usage.n24hLast24Hours')}>
          {t('usage.n24h')}
        </ToggleButton>
        <ToggleButton value="7d" aria-label={t('usage.n7dLast7Days')}>
          {t('usage.n7d')}
        </ToggleButton>
        <ToggleButton value="30d" aria-label={t('usage.n30dLast30Days')}>
          {t('usage.n30d')}
        </ToggleButton>
        <ToggleButton value="custom" aria-label={t('usage.customRange')}>
          {t('usage.custom')}
        </ToggleButton>
      </ToggleButtonGroup>
      {custom && (
        <form className={classes.root} onSubmit={apply} noValidate>
          <TextField
            id="usage-range-from"
            className={classes.date}
            label={t('usage.from')}
            type="date"
            size="small"
            variant="outlined"
            value={draft.from}
            onChange={e => setDraft(d => ({ ...d, from: e.target.value }))}
            InputLabelProps={{ shrink: true }}
            inputProps={{ max: today }}
          />
          <TextField
            id="usage-range-to"
            className={classes.date}
            label={t('usage.to')}
            type="date"
            size="small"
            variant="outlined"
            value={draft.to}
            onChange={e => setDraft(d => ({ ...d, to: e.target.value }))}
            InputLabelProps={{ shrink: true }}
            error={!!shownError}
            helperText={shownError}
          />
          <Button type="submit" variant="outlined" size="small">
            {t('usage.apply')}
          </Button>
        </form>
      )}
    </Box>
  );
}
