import { useEffect, useState } from 'react';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type {
  ConsumerKey,
  UsageReport,
} from '@model-publishing/plugin-model-publishing-common';
import { modelAccessApiRef } from '../../api/ModelAccessApi';
import { errorMessage } from '../common/errors';
import { describeLimits } from './format';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

const RANGES = [
  { id: 'day', label: 'Last 24 hours', granularity: 'hour' },
  { id: 'month', label: 'Last 30 days', granularity: 'day' },
] as const;
type RangeId = (typeof RANGES)[number]['id'];

/** The figures a holder reads about their own key, as rows of label and value. Pure. */
export function keyUsageRows(
  report: UsageReport,
): { label: string; value: string }[] {
  const t = report.totals;
  const n = (v: number) => v.toLocaleString('en-US');
  const rows = [
    { label: 'Requests', value: n(t.requests) },
    { label: 'Refused at the limit (429)', value: n(t.status429) },
    { label: 'Refused key (401, 403)', value: n(t.status401 + t.status403) },
    { label: 'Server errors (5xx)', value: n(t.status5xx) },
  ];
  if (t.inputTokens || t.outputTokens) {
    rows.push(
      { label: 'Input tokens', value: n(t.inputTokens) },
      { label: 'Output tokens', value: n(t.outputTokens) },
    );
  }
  rows.push({
    label: 'Last used',
    value: report.lastUsedAt
      ? new Date(report.lastUsedAt).toLocaleString()
      : 'never',
  });
  return rows;
}

/** The holder's usage of one of their keys (this key's traffic only), last 24 hours or 30 days. */
export function MyKeyUsageDialog(props: {
  consumerKey?: ConsumerKey;
  onClose: () => void;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const api = useApi(modelAccessApiRef);
  const k = props.consumerKey;
  const [range, setRange] = useState<RangeId>('day');
  const [report, setReport] = useState<UsageReport>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!k) return undefined;
    let cancelled = false;
    setReport(undefined);
    setError(undefined);
    const granularity = RANGES.find(r => r.id === range)!.granularity;
    api.getMyKeyUsage(k.key.id, { granularity }).then(
      r => !cancelled && setReport(r),
      e => !cancelled && setError(errorMessage(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [api, k, range]);
  useEffect(() => {
    if (!k) setRange('day');
  }, [k]);

  return (
    <Dialog
      open={!!k}
      onClose={props.onClose}
      aria-labelledby="my-key-usage-title"
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id="my-key-usage-title">
        Usage of key {k?.key.name ?? ''}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="textSecondary" paragraph>
          {k
            ? `${k.name}, plan ${k.planName ?? 'default'}: ${describeLimits(
                k.rateLimits,
              )}. Only this key's calls are counted here.`
            : ''}
        </Typography>
        <ButtonGroup size="small" aria-label={t('access.period')}>
          {RANGES.map(r => (
            <Button
              key={r.id}
              aria-pressed={range === r.id}
              variant={range === r.id ? 'contained' : 'outlined'}
              color="primary"
              onClick={() => setRange(r.id)}
            >
              {r.label}
            </Button>
          ))}
        </ButtonGroup>
        {error && (
          <Alert severity="error" role="alert" style={{ marginTop: 16 }}>
            {error}
          </Alert>
        )}
        {!report && !error && <Progress />}
        {report && (
          <>
            <Table size="small" aria-label={t('access.keyUsage')}>
              <TableBody>
                {keyUsageRows(report).map(row => (
                  <TableRow key={row.label}>
                    <TableCell component="th" scope="row">
                      {row.label}
                    </TableCell>
                    <TableCell align="right">{row.value}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {report.alerts.map(a => (
              <Alert
                key={`${a.window}-${a.windowStart}-${a.metric}`}
                severity={a.threshold >= 100 ? 'error' : 'warning'}
                style={{ marginTop: 8 }}
              >
                {a.threshold} % of the {a.metric} limit per {a.window} (
                {a.used.toLocaleString('en-US')} of{' '}
                {a.limit.toLocaleString('en-US')}) in the {a.window} from{' '}
                {new Date(a.windowStart).toLocaleString()}
              </Alert>
            ))}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>{t('access.close')}</Button>
      </DialogActions>
    </Dialog>
  );
}
