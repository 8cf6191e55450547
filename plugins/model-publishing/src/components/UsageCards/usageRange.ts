import type { UsageBucket } from '@model-publishing/plugin-model-publishing-common';
import type {
  UsageGranularity,
  UsageQuotaAlert,
  UsageReport,
} from '../../api/types';

export type UsageRange = '24h' | '7d' | '30d';

const HOUR = 3_600_000;
const RANGES: Record<
  UsageRange,
  { hours: number; granularity: UsageGranularity }
> = {
  '24h': { hours: 24, granularity: 'hour' },
  '7d': { hours: 24 * 7, granularity: 'hour' },
  '30d': { hours: 24 * 30, granularity: 'day' },
};

/** The query for a range ending now. */
export function rangeQuery(range: UsageRange, now: Date = new Date()) {
  const { hours, granularity } = RANGES[range];
  return {
    from: new Date(now.getTime() - hours * HOUR).toISOString(),
    to: now.toISOString(),
    granularity,
  };
}

export function bucketErrors(bucket: UsageBucket): number {
  return (
    bucket.status401 +
    bucket.status403 +
    bucket.status429 +
    bucket.status4xxOther +
    bucket.status5xx
  );
}

export interface UsageTotals {
  requests: number;
  errors: number;
  status429: number;
  inputTokens: number;
  outputTokens: number;
}

export function totals(buckets: UsageBucket[]): UsageTotals {
  return buckets.reduce<UsageTotals>(
    (sum, b) => ({
      requests: sum.requests + b.requests,
      errors: sum.errors + bucketErrors(b),
      status429: sum.status429 + b.status429,
      inputTokens: sum.inputTokens + b.inputTokens,
      outputTokens: sum.outputTokens + b.outputTokens,
    }),
    { requests: 0, errors: 0, status429: 0, inputTokens: 0, outputTokens: 0 },
  );
}

/** Requests per key id from the report's per-key breakdown (for the key table). */
export function requestsByKey(
  report: Pick<UsageReport, 'keys'> | undefined,
): Record<string, number> | undefined {
  if (!report?.keys) return undefined;
  const result: Record<string, number> = {};
  for (const row of report.keys)
    if (row.keyId) result[row.keyId] = row.totals.requests;
  return result;
}

/** Alerts with limits reached (100%) first, then newest first (the backend's order). */
export function sortedAlerts(
  alerts: UsageQuotaAlert[] | undefined,
): UsageQuotaAlert[] {
  return [...(alerts ?? [])].sort((a, b) => b.threshold - a.threshold);
}

export function alertSeverity(
  alert: Pick<UsageQuotaAlert, 'threshold'>,
): 'error' | 'warning' {
  return alert.threshold >= 100 ? 'error' : 'warning';
}

/** A sentence for a quota alert, e.g. "Key ci-client reached 100% of its requests-per-day limit …". */
export function alertMessage(
  alert: UsageQuotaAlert,
  keyNames: Record<string, string> = {},
  formatWindow: (iso: string) => string = iso => iso,
): string {
  const who =
    alert.scope === 'key'
      ? `Key ${
          (alert.keyId && keyNames[alert.keyId]) ||
          alert.keyId ||
          alert.clientId ||
          ''
        }`.trim()
      : 'The publication';
  const percent =
    alert.limit > 0
      ? Math.floor((alert.used / alert.limit) * 100)
      : alert.threshold;
  const verb = alert.threshold >= 100 ? 'reached' : 'used';
  return `${who} ${verb} ${percent}% of its ${alert.metric}-per-${
    alert.window
  } limit (${alert.used.toLocaleString()} of ${alert.limit.toLocaleString()}) in the ${
    alert.window
  } starting ${formatWindow(alert.windowStart)}.`;
}
