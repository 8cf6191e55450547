import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import type {
  PublishableModelKind,
  UsageBucket,
} from '@model-publishing/plugin-model-publishing-common';
import type { UsageReport } from '../../api/types';
import { CardEmptyState } from '../common/CardEmptyState';
import { LineChart, PaletteKey, Series } from './LineChart';
import { formatDateTime, formatNumber } from '../common/format';
import {
  alertMessage,
  alertSeverity,
  bucketErrors,
  sortedAlerts,
  totals,
} from './usageRange';
import { LatencyErrorsPanel } from './LatencyErrorsPanel';
import { KeyMetric, keyLabels, keySeries } from './perKey';
import { formatSeconds, latencyRows } from './latency';
import { formatCost } from '../CostsPage/costs';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/** The usage card's styles, shared with its body. */
export const useUsageStyles = makeStyles(theme => ({
  header: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'flex-start',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  stat: { marginRight: theme.spacing(4) },
  scroll: { overflowX: 'auto', marginTop: theme.spacing(2) },
  // Short headers ("p95 latency", "Tokens out") and dates on one line each: at 800 px the table scrolls
  // inside its card instead of wrapping every header onto two or three lines (issue 23).
  noWrap: { '& th, & td': { whiteSpace: 'nowrap' } },
}));

function bucketLabel(iso: string, granularity: string | undefined): string {
  const date = new Date(iso);
  return granularity === 'day'
    ? date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
    : date.toLocaleString(undefined, {
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
      });
}

export function UsageBody(props: {
  report: UsageReport;
  modelKind: PublishableModelKind;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const classes = useUsageStyles();
  const { report } = props;
  const [view, setView] = useState<'totals' | 'keys'>('totals');
  const buckets = report.buckets ?? [];
  const sum = report.totals
    ? {
        requests: report.totals.requests,
        errors: bucketErrors({ start: '', ...report.totals }),
        status429: report.totals.status429,
        inputTokens: report.totals.inputTokens,
        outputTokens: report.totals.outputTokens,
      }
    : totals(buckets);
  const labels = buckets.map(b => bucketLabel(b.start, report.granularity));
  const keys = report.keys ?? [];
  const names = keyLabels(keys);
  const keyNames = Object.fromEntries(
    keys.flatMap(k => (k.keyId && k.keyName ? [[k.keyId, k.keyName]] : [])),
  );
  const alerts = sortedAlerts(report.alerts);
  const llm = props.modelKind === 'openai';
  const perKeyAvailable = keys.some(k => k.buckets && k.buckets.length > 0);
  const perKey = view === 'keys' && perKeyAvailable;
  const cost = report.cost;
  /** One line of the totals chart: a count of every bucket. */
  const line = (
    name: string,
    count: (bucket: UsageBucket) => number,
    color: PaletteKey,
  ): Series => ({ name, values: buckets.map(count), color });
  /** A metric over time: the totals' lines, or one line per key in the per-key view. */
  const chart = (
    metric: KeyMetric,
    title: string,
    lines: Series[],
    perKeyTitle: string,
  ) => (
    <LineChart
      title={perKey ? perKeyTitle : title}
      labels={labels}
      series={perKey ? keySeries(keys, metric) : lines}
    />
  );

  return (
    <Box mt={2}>
      {alerts.slice(0, 5).map((alert, i) => (
        <Alert
          key={i}
          severity={alertSeverity(alert)}
          style={{ marginBottom: 8 }}
        >
          {alertMessage(alert, keyNames, formatDateTime)}
        </Alert>
      ))}
      {(report.alertsTotal ?? alerts.length) > 5 && (
        <Typography
          variant="caption"
          color="textSecondary"
          display="block"
          gutterBottom
        >
          {(report.alertsTotal ?? alerts.length) - 5} more quota alerts in this
          range.
        </Typography>
      )}
      {buckets.length === 0 || sum.requests === 0 ? (
        <CardEmptyState
          title={t('usage.noTrafficInThisRange')}
          description={t('usage.requestsWillShowHereOnce')}
        />
      ) : (
        <>
          <Box display="flex" flexWrap="wrap" mb={1}>
            <Typography className={classes.stat}>
              Requests: <strong>{formatNumber(sum.requests)}</strong>
            </Typography>
            <Typography className={classes.stat}>
              Errors: <strong>{formatNumber(sum.errors)}</strong>
            </Typography>
            <Typography className={classes.stat}>
              Rate limited (429): <strong>{formatNumber(sum.status429)}</strong>
            </Typography>
            {llm && (
              <>
                <Typography className={classes.stat}>
                  Tokens in: <strong>{formatNumber(sum.inputTokens)}</strong>
                </Typography>
                <Typography className={classes.stat}>
                  Tokens out: <strong>{formatNumber(sum.outputTokens)}</strong>
                </Typography>
              </>
            )}
            {cost && (
              <Typography className={classes.stat}>
                Cost: <strong>{formatCost(cost.total, cost.currency)}</strong>
              </Typography>
            )}
          </Box>
          {perKeyAvailable && (
            <ToggleButtonGroup
              size="small"
              exclusive
              value={view}
              onChange={(_, value) => value && setView(value)}
              aria-label={t('usage.chartLines')}
              style={{ marginBottom: 8 }}
            >
              <ToggleButton value="totals">{t('usage.totals')}</ToggleButton>
              <ToggleButton value="keys">{t('usage.perKey')}</ToggleButton>
            </ToggleButtonGroup>
          )}
          <Grid container spacing={2}>
            <Grid item xs={12} md={8}>
              {chart(
                'requests',
                t('usage.requestsAndErrorsOverTime'),
                [
                  line('Requests', b => b.requests, 'primary'),
                  line('Errors', bucketErrors, 'error'),
                ],
                t('usage.requestsPerKeyOverTime'),
              )}
              {llm &&
                chart(
                  'tokens',
                  t('usage.tokensOverTime'),
                  [
                    line('Input tokens', b => b.inputTokens, 'info'),
                    line('Output tokens', b => b.outputTokens, 'success'),
                  ],
                  t('usage.tokensPerKeyOverTime'),
                )}
            </Grid>
            <Grid item xs={12} md={4}>
              <LatencyErrorsPanel
                latency={report.latency}
                totals={report.totals}
                llm={llm}
                approximations={report.approximations}
              />
            </Grid>
          </Grid>
        </>
      )}
      {keys.length > 0 && (
        <div className={classes.scroll}>
          <Table
            size="small"
            aria-label={t('usage.usagePerKey')}
            className={classes.noWrap}
          >
            <TableHead>
              <TableRow>
                <TableCell>{t('usage.key')}</TableCell>
                <TableCell align="right">{t('usage.requests')}</TableCell>
                <TableCell align="right">{t('usage.errors')}</TableCell>
                <TableCell align="right">429</TableCell>
                {llm && (
                  <TableCell align="right">{t('usage.tokensIn')}</TableCell>
                )}
                {llm && (
                  <TableCell align="right">{t('usage.tokensOut')}</TableCell>
                )}
                <TableCell align="right">{t('usage.p95Latency')}</TableCell>
                {cost && (
                  <TableCell align="right">Cost ({cost.currency})</TableCell>
                )}
                <TableCell>{t('usage.lastUsed')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {keys.map(row => {
                const p95 = latencyRows(row.latency, false)[0]?.p95;
                return (
                  <TableRow key={row.clientId}>
                    <TableCell>{names.get(row.clientId)}</TableCell>
                    <TableCell align="right">
                      {formatNumber(row.totals.requests)}
                    </TableCell>
                    <TableCell align="right">
                      {formatNumber(bucketErrors({ start: '', ...row.totals }))}
                    </TableCell>
                    <TableCell align="right">
                      {formatNumber(row.totals.status429)}
                    </TableCell>
                    {llm && (
                      <TableCell align="right">
                        {formatNumber(row.totals.inputTokens)}
                      </TableCell>
                    )}
                    {llm && (
                      <TableCell align="right">
                        {formatNumber(row.totals.outputTokens)}
                      </TableCell>
                    )}
                    <TableCell align="right">
                      {p95 === undefined ? '—' : formatSeconds(p95)}
                    </TableCell>
                    {cost && (
                      <TableCell align="right">
                        {row.cost === undefined
                          ? '—'
                          : formatCost(row.cost, cost.currency)}
                      </TableCell>
                    )}
                    <TableCell>{formatDateTime(row.lastUsedAt)}</TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}
    </Box>
  );
}
