import type { UsageBucket } from '@internal/plugin-model-publishing-common';
import type { UsageGranularity, UsageReport } from '../../api/types';

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
    bucket.status401 + bucket.status403 + bucket.status429 + bucket.status5xx
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
  report: UsageReport | undefined,
): Record<string, number> | undefined {
  if (!report?.perKey) return undefined;
  const result: Record<string, number> = {};
  for (const row of report.perKey)
    if (row.keyId) result[row.keyId] = row.requests ?? 0;
  return result;
}

/** Alerts sorted so that exceeded limits come first. */
export function sortedAlerts(report: UsageReport | undefined) {
  const severity = (a: {
    level?: string;
    percent?: number;
    threshold?: number;
  }) =>
    a.level === 'exceeded' ||
    a.level === 'error' ||
    (a.percent ?? a.threshold ?? 0) >= 100
      ? 0
      : 1;
  return [...(report?.alerts ?? [])].sort((a, b) => severity(a) - severity(b));
}

export function alertSeverity(a: {
  level?: string;
  percent?: number;
  threshold?: number;
}): 'error' | 'warning' {
  return a.level === 'exceeded' ||
    a.level === 'error' ||
    (a.percent ?? a.threshold ?? 0) >= 100
    ? 'error'
    : 'warning';
}
