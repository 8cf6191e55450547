import type {
  RateLimits,
  UsageBucket,
  UsageGranularity,
  UsageQuotaAlert,
  UsageReport,
} from '@model-publishing/plugin-model-publishing-common';
import { COUNTERS, Counters, zeroCounters } from './types';
import { DAY_MS, HOUR_MS } from './time';

/** Bucket numbers (hours or days since the epoch) to ISO starts, zero-filling the gaps. */
export function fillBuckets(
  granularity: UsageGranularity,
  range: { from: number; to: number },
  rows: { bucket: number; counters: Counters }[],
): UsageBucket[] {
  const size = granularity === 'hour' ? HOUR_MS : DAY_MS;
  const byBucket = new Map(rows.map(r => [r.bucket, r.counters]));
  const out: UsageBucket[] = [];
  for (let b = range.from; b < range.to; b++) {
    out.push({
      start: new Date(b * size).toISOString(),
      ...(byBucket.get(b) ?? zeroCounters()),
    });
  }
  return out;
}

export function sumCounters(items: Counters[]): Counters {
  const total = zeroCounters();
  for (const item of items) for (const c of COUNTERS) total[c] += item[c];
  return total;
}

export const ALERT_RATIO = 0.8;

export type WindowLimits = {
  window: 'hour' | 'day';
  requests?: number;
  tokens?: number;
};

/** The hour and day limits of a RateLimits (minute limits cannot be judged from hourly rollups). */
export function windowLimits(
  limits: RateLimits | undefined,
  window: 'hour' | 'day',
): WindowLimits {
  if (!limits) return { window };
  return window === 'hour'
    ? { window, requests: limits.requestsPerHour, tokens: limits.tokensPerHour }
    : { window, requests: limits.requestsPerDay, tokens: limits.tokensPerDay };
}

/** Smallest usage that could raise an alert for any of the limits (Infinity: none can). */
export function alertFloors(limits: WindowLimits[]): {
  requests: number;
  tokens: number;
} {
  const floor = (values: (number | undefined)[]) =>
    Math.min(
      Infinity,
      ...values
        .filter((v): v is number => v !== undefined)
        .map(v => Math.ceil(v * ALERT_RATIO)),
    );
  return {
    requests: floor(limits.map(l => l.requests)),
    tokens: floor(limits.map(l => l.tokens)),
  };
}

/** What a row used of each alertable metric. */
function usedOf(counters: Counters): Record<'requests' | 'tokens', number> {
  return {
    requests: counters.requests,
    tokens: counters.inputTokens + counters.outputTokens,
  };
}

/**
 * Quota alerts for one window kind: one per (subject, metric, window) whose usage reached 80% of the limit,
 * carrying the highest threshold reached — so a window is flagged once however often it is reported.
 */
export function evaluateAlerts(
  scope: 'publication' | 'key',
  limitsFor: (clientId: string) => WindowLimits | undefined,
  rows: { clientId: string; bucket: number; counters: Counters }[],
  toKeyId: (clientId: string) => string | undefined,
): UsageQuotaAlert[] {
  const alerts: UsageQuotaAlert[] = [];
  for (const row of rows) {
    const limits = limitsFor(row.clientId);
    if (!limits) continue;
    const size = limits.window === 'hour' ? HOUR_MS : DAY_MS;
    const used = usedOf(row.counters);
    for (const metric of ['requests', 'tokens'] as const) {
      const limit = limits[metric];
      if (!limit || used[metric] < limit * ALERT_RATIO) continue;
      const alert: UsageQuotaAlert = {
        scope,
        metric,
        window: limits.window,
        windowStart: new Date(row.bucket * size).toISOString(),
        limit,
        used: used[metric],
        threshold: used[metric] >= limit ? 100 : 80,
      };
      if (scope === 'key') {
        alert.clientId = row.clientId;
        const keyId = toKeyId(row.clientId);
        if (keyId) alert.keyId = keyId;
      }
      alerts.push(alert);
    }
  }
  return alerts.sort(
    (a, b) =>
      b.windowStart.localeCompare(a.windowStart) ||
      a.scope.localeCompare(b.scope) ||
      (a.clientId ?? '').localeCompare(b.clientId ?? '') ||
      a.metric.localeCompare(b.metric),
  );
}

/** Client id `key-<id>` → key id. */
export function keyIdOf(clientId: string): string | undefined {
  return clientId.startsWith('key-') ? clientId.slice(4) : undefined;
}

function csvCell(value: string | number): string {
  const s = String(value);
  // Quote when needed, and defuse spreadsheet formulas in text cells (CSV injection).
  const safe =
    typeof value === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const CSV_COLUMNS = ['start', ...COUNTERS] as const;

/** The report as CSV: one row per bucket for the whole publication, then one row per key with its totals. */
export function reportToCsv(report: UsageReport): string {
  const lines = [['scope', 'key', ...CSV_COLUMNS].join(',')];
  for (const b of report.buckets) {
    lines.push(
      ['publication', '', ...CSV_COLUMNS.map(c => b[c])].map(csvCell).join(','),
    );
  }
  for (const k of report.keys) {
    lines.push(
      [
        'key-total',
        k.keyName ?? k.clientId,
        report.from,
        ...COUNTERS.map(c => k.totals[c]),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
