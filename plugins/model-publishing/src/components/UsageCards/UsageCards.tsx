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
import GetAppIcon from '@material-ui/icons/GetApp';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import type { PublishableModelKind } from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import type { ModelAddress, UsageReport } from '../../api/types';
import {
  ModelPermissions,
  deniedReason,
} from '../../hooks/useModelPermissions';
import { CardEmptyState } from '../common/CardEmptyState';
import { GatedButton } from '../common/GatedButton';
import { errorMessage } from '../common/errors';
import { LineChart } from './LineChart';
import { formatDateTime, formatNumber } from '../common/format';
import {
  alertMessage,
  alertSeverity,
  bucketErrors,
  rangeQuery,
  sortedAlerts,
  totals,
} from './usageRange';
import { customRangeQuery } from './customRange';
import { RangePicker, RangeChoice } from './RangePicker';
import { LatencyErrorsPanel } from './LatencyErrorsPanel';
import { keyLabels, keySeries } from './perKey';
import { formatSeconds, latencyRows } from './latency';
import { formatCost } from '../CostsPage/costs';

const useStyles = makeStyles(theme => ({
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

export interface UsageCardsProps {
  address: ModelAddress;
  modelKind: PublishableModelKind;
  permissions: ModelPermissions;
  /** Lets the key table show requests per key for the same range. */
  onReport?: (report: UsageReport) => void;
}

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

/** The query of a range choice, presets ending now. */
function queryOf(choice: RangeChoice) {
  return choice.preset === 'custom'
    ? customRangeQuery(choice.custom)
    : rangeQuery(choice.preset);
}

function choiceName(choice: RangeChoice): string {
  return choice.preset === 'custom'
    ? `${choice.custom.from}-to-${choice.custom.to}`
    : choice.preset;
}

export function UsageCards(props: UsageCardsProps) {
  const classes = useStyles();
  const api = useApi(modelPublishingApiRef);
  const alertApi = useApi(alertApiRef);
  const { address, permissions, onReport } = props;
  const [choice, setChoice] = useState<RangeChoice>({ preset: '24h' });
  const canRead = permissions.allowed.usage;
  const rangeKey = choiceName(choice);

  const usage = useAsync(async () => {
    if (!canRead) return undefined;
    // series=keys: each key's buckets, for the per-key lines
    const report = await api.getUsage(address, {
      ...queryOf(choice),
      series: 'keys',
    });
    onReport?.(report);
    return report;
  }, [
    api,
    address.cluster,
    address.namespace,
    address.name,
    rangeKey,
    canRead,
  ]);

  const download = async () => {
    try {
      const blob = await api.downloadUsageCsv(address, queryOf(choice));
      const url = URL.createObjectURL(blob);
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = `${address.namespace}-${address.name}-usage-${rangeKey}.csv`;
      anchor.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      alertApi.post({
        message: `CSV download failed: ${errorMessage(e)}`,
        severity: 'error',
      });
    }
  };

  const header = (
    <Box className={classes.header}>
      <RangePicker value={choice} onChange={setChoice} />
      <GatedButton
        allowed={canRead}
        deniedReason={deniedReason('read usage', permissions.loading)}
        size="small"
        startIcon={<GetAppIcon />}
        onClick={download}
      >
        Download CSV
      </GatedButton>
    </Box>
  );

  if (!canRead) {
    return (
      <InfoCard title="Usage">
        <Typography variant="body2" color="textSecondary">
          {deniedReason('read usage', permissions.loading)}
        </Typography>
      </InfoCard>
    );
  }

  let body: JSX.Element;
  if (usage.error) {
    body = (
      <ResponseErrorPanel error={usage.error} title="Could not load usage" />
    );
  } else if (usage.loading || !usage.value) {
    body = <Progress />;
  } else {
    body = <UsageBody report={usage.value} modelKind={props.modelKind} />;
  }

  return (
    <InfoCard title="Usage">
      {header}
      {body}
    </InfoCard>
  );
}

function UsageBody(props: {
  report: UsageReport;
  modelKind: PublishableModelKind;
}) {
  const classes = useStyles();
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
          title="No traffic in this range"
          description="Requests will show here once clients call the endpoint."
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
              aria-label="Chart lines"
              style={{ marginBottom: 8 }}
            >
              <ToggleButton value="totals">Totals</ToggleButton>
              <ToggleButton value="keys">Per key</ToggleButton>
            </ToggleButtonGroup>
          )}
          <Grid container spacing={2}>
            <Grid item xs={12} md={8}>
              {perKey ? (
                <LineChart
                  title="Requests per key over time"
                  labels={labels}
                  series={keySeries(keys, 'requests')}
                />
              ) : (
                <LineChart
                  title="Requests and errors over time"
                  labels={labels}
                  series={[
                    {
                      name: 'Requests',
                      values: buckets.map(b => b.requests),
                      color: 'primary',
                    },
                    {
                      name: 'Errors',
                      values: buckets.map(bucketErrors),
                      color: 'error',
                    },
                  ]}
                />
              )}
              {llm &&
                (perKey ? (
                  <LineChart
                    title="Tokens per key over time"
                    labels={labels}
                    series={keySeries(keys, 'tokens')}
                  />
                ) : (
                  <LineChart
                    title="Tokens over time"
                    labels={labels}
                    series={[
                      {
                        name: 'Input tokens',
                        values: buckets.map(b => b.inputTokens),
                        color: 'info',
                      },
                      {
                        name: 'Output tokens',
                        values: buckets.map(b => b.outputTokens),
                        color: 'success',
                      },
                    ]}
                  />
                ))}
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
            aria-label="Usage per key"
            className={classes.noWrap}
          >
            <TableHead>
              <TableRow>
                <TableCell>Key</TableCell>
                <TableCell align="right">Requests</TableCell>
                <TableCell align="right">Errors</TableCell>
                <TableCell align="right">429</TableCell>
                {llm && <TableCell align="right">Tokens in</TableCell>}
                {llm && <TableCell align="right">Tokens out</TableCell>}
                <TableCell align="right">p95 latency</TableCell>
                {cost && (
                  <TableCell align="right">Cost ({cost.currency})</TableCell>
                )}
                <TableCell>Last used</TableCell>
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
