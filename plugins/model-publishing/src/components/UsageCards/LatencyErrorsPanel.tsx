import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  UsageLatency,
  UsageTotals,
} from '@model-publishing/plugin-model-publishing-common';
import { formatNumber } from '../common/format';
import {
  LATENCY_LABELS,
  formatSeconds,
  latencyRows,
  sourceLabel,
} from './latency';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/** The five error classes the backend counts, as the card names them. */
export const ERROR_CLASSES: { key: keyof UsageTotals; label: string }[] = [
  { key: 'status401', label: '401 No valid key' },
  { key: 'status403', label: '403 Forbidden' },
  { key: 'status429', label: '429 Rate limited' },
  { key: 'status4xxOther', label: 'Other 4xx' },
  { key: 'status5xx', label: '5xx Server errors' },
];

/** Latency percentiles and errors by class over the card's range, with what is approximate. */
export function LatencyErrorsPanel(props: {
  latency: UsageLatency[] | undefined;
  totals: UsageTotals;
  llm: boolean;
  approximations: string[] | undefined;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const rows = latencyRows(props.latency, props.llm);
  const sources = [...new Set(rows.map(r => r.source))];
  return (
    <>
      <Typography variant="subtitle2" component="h3">
        {t('usage.latency')}
      </Typography>
      {rows.length === 0 ? (
        <Typography variant="body2" color="textSecondary" paragraph>
          {t('usage.noRequestDurationsInThis')}
        </Typography>
      ) : (
        <>
          <Table size="small" aria-label={t('usage.latencyPercentiles')}>
            <TableHead>
              <TableRow>
                <TableCell>{t('usage.metric')}</TableCell>
                <TableCell align="right">p50</TableCell>
                <TableCell align="right">p95</TableCell>
                <TableCell align="right">p99</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map(row => (
                <TableRow key={`${row.metric}-${row.source}`}>
                  <TableCell component="th" scope="row">
                    {LATENCY_LABELS[row.metric]}
                  </TableCell>
                  <TableCell align="right">{formatSeconds(row.p50)}</TableCell>
                  <TableCell align="right">{formatSeconds(row.p95)}</TableCell>
                  <TableCell align="right">{formatSeconds(row.p99)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Typography variant="caption" color="textSecondary" display="block">
            From {sources.map(sourceLabel).join(' and ')}, over{' '}
            {formatNumber(Math.max(...rows.map(r => r.count)))} requests.
          </Typography>
        </>
      )}
      <Typography variant="subtitle2" component="h3" style={{ marginTop: 16 }}>
        {t('usage.errorsByClass')}
      </Typography>
      <Table size="small" aria-label={t('usage.errorsByClass')}>
        <TableBody>
          {ERROR_CLASSES.map(c => (
            <TableRow key={c.key}>
              <TableCell component="th" scope="row">
                {c.label}
              </TableCell>
              <TableCell align="right">
                {formatNumber(props.totals[c.key])}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {(props.approximations ?? []).map(note => (
        <Typography
          key={note}
          variant="caption"
          color="textSecondary"
          display="block"
          style={{ marginTop: 4 }}
        >
          Note: {note}
        </Typography>
      ))}
    </>
  );
}
