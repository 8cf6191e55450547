import type {
  UsageGranularity,
  UsageKeyBreakdown,
  UsageQuotaAlert,
  UsageReport,
  UsageSummary,
  UsageSummaryItem,
} from '@model-publishing/plugin-model-publishing-common';
import type { UsageRecord } from '@model-publishing/plugin-model-publishing-node';
import { InputError } from '@backstage/errors';
import { UsageStore, type CounterRow } from './UsageStore';
import {
  COUNTERS,
  Counters,
  HourRow,
  UsagePublicationInfo,
  zeroCounters,
} from './types';
import { DAY_MS, HOUR_MS, dayOf, hourOf } from './time';
import {
  alertFloors,
  countAlerts,
  evaluateAlerts,
  fillBuckets,
  keyIdOf,
  reportToCsv,
  sumCounters,
  windowLimits,
} from './report';
import type { UsageConfig } from './config';

export interface UsageQuery {
  from: Date;
  to: Date;
  granularity: UsageGranularity;
}

/** A report lists at most this many (newest) alerts; a key living at its limit would otherwise flood it. */
export const MAX_USAGE_ALERTS = 500;

/** Longest ranges a report may span, so one request cannot ask for an unbounded series. */
export const MAX_BUCKETS: Record<UsageGranularity, number> = {
  hour: 24 * 92,
  day: 800,
};

/** Bucket range [from, to) covering the instants [from, to). */
export function bucketRange(q: UsageQuery): { from: number; to: number } {
  const size = q.granularity === 'hour' ? HOUR_MS : DAY_MS;
  return {
    from: Math.floor(q.from.getTime() / size),
    to: Math.ceil(q.to.getTime() / size),
  };
}

/** Checks a query; errors name the query parameter. */
export function checkUsageQuery(q: UsageQuery): void {
  if (!(q.from.getTime() < q.to.getTime()))
    throw new InputError('from: must be before to');
  const range = bucketRange(q);
  if (range.to - range.from > MAX_BUCKETS[q.granularity]) {
    throw new InputError(
      `to: the range spans ${range.to - range.from} ${
        q.granularity
      }s; at most ${MAX_BUCKETS[q.granularity]} are allowed`,
    );
  }
}

/**
 * What a publication's alerts of one window compare against: its shared limits and each key's, the floors
 * below which no row can raise an alert, and the evaluation of candidate rows.
 */
function alertLimits(pub: UsagePublicationInfo, window: 'hour' | 'day') {
  const publication = windowLimits(pub.limits.publication, window);
  const keys = new Map(
    Object.entries(pub.limits.keys).map(([clientId, l]) => [
      clientId,
      windowLimits(l, window),
    ]),
  );
  return {
    floors: {
      publication: alertFloors([publication]),
      key: alertFloors([...keys.values()]),
    },
    evaluate: (scope: 'publication' | 'key', rows: CounterRow[]) =>
      evaluateAlerts(
        scope,
        scope === 'key' ? clientId => keys.get(clientId) : () => publication,
        rows.map(r => ({
          clientId: scope === 'key' ? r.clientId : '',
          bucket: r.bucket,
          counters: r,
        })),
        keyIdOf,
      ),
    count: (scope: 'publication' | 'key', rows: CounterRow[]) =>
      countAlerts(
        scope === 'key' ? clientId => keys.get(clientId) : () => publication,
        rows.map(r => ({ clientId: r.clientId, counters: r })),
      ),
  };
}

/** Reports, summaries, CSV and quota alerts over the rollups; records what sources collect. */
export class UsageService {
  constructor(
    private readonly store: UsageStore,
    private readonly config: Pick<
      UsageConfig,
      'retentionDays' | 'dailyRetentionDays' | 'ingest'
    >,
  ) {}

  async report(
    pub: UsagePublicationInfo,
    query: UsageQuery,
  ): Promise<UsageReport> {
    checkUsageQuery(query);
    const range = bucketRange(query);
    const size = query.granularity === 'hour' ? HOUR_MS : DAY_MS;
    const [series, clients, lastUsed, alerts] = await Promise.all([
      this.store.series(pub.id, query.granularity, range),
      this.store.byClient(pub.id, query.granularity, range),
      this.store
        .lastUsed([pub.id])
        .then(m => m.get(pub.id) ?? new Map<string, number>()),
      this.alerts(pub, query),
    ]);

    const names = new Map(pub.keys.map(k => [k.clientId, k]));
    const totalsByClient = new Map(clients.map(c => [c.clientId, c.counters]));
    const clientIds = new Set([
      ...pub.keys.map(k => k.clientId),
      ...totalsByClient.keys(),
    ]);
    const keys: UsageKeyBreakdown[] = [...clientIds].map(clientId => {
      const entry: UsageKeyBreakdown = {
        clientId,
        totals: totalsByClient.get(clientId) ?? zeroCounters(),
      };
      const known = names.get(clientId);
      const keyId = known?.id ?? keyIdOf(clientId);
      if (keyId) entry.keyId = keyId;
      if (known) entry.keyName = known.name;
      const last = lastUsed.get(clientId);
      if (last !== undefined) entry.lastUsedAt = new Date(last).toISOString();
      return entry;
    });
    keys.sort(
      (a, b) =>
        b.totals.requests - a.totals.requests ||
        a.clientId.localeCompare(b.clientId),
    );

    const lastAll = Math.max(
      -Infinity,
      ...[...lastUsed.entries()].filter(([c]) => c !== '').map(([, v]) => v),
    );
    const report: UsageReport = {
      publicationId: pub.id,
      from: new Date(range.from * size).toISOString(),
      to: new Date(range.to * size).toISOString(),
      granularity: query.granularity,
      totals: sumCounters(series.map(s => s.counters)),
      buckets: fillBuckets(query.granularity, range, series),
      keys,
      alerts: alerts.slice(0, MAX_USAGE_ALERTS),
    };
    if (alerts.length > MAX_USAGE_ALERTS) report.alertsTotal = alerts.length;
    if (Number.isFinite(lastAll))
      report.lastUsedAt = new Date(lastAll).toISOString();
    return report;
  }

  async csv(pub: UsagePublicationInfo, query: UsageQuery): Promise<string> {
    return reportToCsv(await this.report(pub, query));
  }

  /** Hour and day windows inside the query's range that reached 80% / 100% of a limit. */
  async alerts(
    pub: UsagePublicationInfo,
    query: UsageQuery,
  ): Promise<UsageQuotaAlert[]> {
    const checks: Promise<UsageQuotaAlert[]>[] = [];
    for (const window of ['hour', 'day'] as const) {
      const range = bucketRange({ ...query, granularity: window });
      const limits = alertLimits(pub, window);
      for (const scope of ['publication', 'key'] as const) {
        const floors = limits.floors[scope];
        if (
          !Number.isFinite(floors.requests) &&
          !Number.isFinite(floors.tokens)
        )
          continue;
        checks.push(
          this.store
            .bucketsAtLeast(pub.id, window, range, floors, scope === 'key')
            .then(rows => limits.evaluate(scope, rows)),
        );
      }
    }
    // independent queries: on PostgreSQL they run side by side on the pool
    const out = (await Promise.all(checks)).flat();
    return out.sort((a, b) => b.windowStart.localeCompare(a.windowStart));
  }

  /**
   * How many alerts `alerts()` would list for each publication, from four queries whatever the number of
   * publications (hour/day windows × publication/key scope), each publication with its own floors.
   */
  async alertCounts(
    pubs: UsagePublicationInfo[],
    query: UsageQuery,
  ): Promise<Map<string, number>> {
    const counts = new Map(pubs.map(p => [p.id, 0]));
    const checks: Promise<void>[] = [];
    for (const window of ['hour', 'day'] as const) {
      const range = bucketRange({ ...query, granularity: window });
      const limits = new Map(pubs.map(p => [p.id, alertLimits(p, window)]));
      for (const scope of ['publication', 'key'] as const) {
        const floors = new Map(
          [...limits].map(([id, l]) => [id, l.floors[scope]]),
        );
        checks.push(
          this.store
            .bucketsAtLeastMany(window, range, floors, scope === 'key')
            .then(rows => {
              const byPublication = new Map<string, CounterRow[]>();
              for (const r of rows) {
                const list = byPublication.get(r.publicationId) ?? [];
                list.push(r);
                byPublication.set(r.publicationId, list);
              }
              for (const [id, list] of byPublication) {
                const n = limits.get(id)!.count(scope, list);
                counts.set(id, (counts.get(id) ?? 0) + n);
              }
            }),
        );
      }
    }
    await Promise.all(checks);
    return counts;
  }

  async summary(
    pubs: UsagePublicationInfo[],
    range: { from: Date; to: Date },
  ): Promise<UsageSummary> {
    const query: UsageQuery = { ...range, granularity: 'hour' };
    checkUsageQuery(query);
    const hours = bucketRange(query);
    // the UTC days the hour range touches: the sparkline buckets
    const days = {
      from: Math.floor(hours.from / 24),
      to: Math.ceil(hours.to / 24),
    };
    const ids = pubs.map(p => p.id);
    const [daily, lastUsed, alertCounts] = await Promise.all([
      this.store.dailyTotalsByPublication(ids, hours),
      this.store.lastUsed(ids),
      this.alertCounts(pubs, query),
    ]);
    const items: UsageSummaryItem[] = [];
    for (const pub of pubs) {
      const byDay = daily.get(pub.id) ?? new Map<number, Counters>();
      const last = Math.max(
        -Infinity,
        ...[...(lastUsed.get(pub.id) ?? new Map<string, number>()).entries()]
          .filter(([c]) => c !== '')
          .map(([, v]) => v),
      );
      items.push({
        publicationId: pub.id,
        cluster: pub.cluster,
        namespace: pub.namespace,
        name: pub.name,
        ...(pub.entityRef ? { entityRef: pub.entityRef } : {}),
        totals: sumCounters([...byDay.values()]),
        requestsPerDay: Array.from(
          { length: days.to - days.from },
          (_, i) => byDay.get(days.from + i)?.requests ?? 0,
        ),
        ...(Number.isFinite(last)
          ? { lastUsedAt: new Date(last).toISOString() }
          : {}),
        alerts: alertCounts.get(pub.id) ?? 0,
      });
    }
    items.sort(
      (a, b) =>
        b.totals.requests - a.totals.requests ||
        a.publicationId.localeCompare(b.publicationId),
    );
    return {
      from: new Date(hours.from * HOUR_MS).toISOString(),
      to: new Date(hours.to * HOUR_MS).toISOString(),
      days: Array.from({ length: days.to - days.from }, (_, i) =>
        new Date((days.from + i) * DAY_MS).toISOString(),
      ),
      items,
    };
  }

  /** Stores what a pull source collected; its earlier figures for the same hours are replaced. */
  async recordPulled(
    sourceId: string,
    records: UsageRecord[],
    now: Date,
  ): Promise<void> {
    const rows = new Map<string, HourRow>();
    const lastUsed: { publicationId: string; clientId: string; ms: number }[] =
      [];
    for (const r of records) {
      const hour = hourOf(r.hour);
      const k = `${r.publicationId}\u0000${r.clientId}\u0000${hour}`;
      const row = rows.get(k) ?? {
        publicationId: r.publicationId,
        clientId: r.clientId,
        hour,
        ...zeroCounters(),
      };
      // Sources may split an hour into several records; they add up.
      for (const c of COUNTERS)
        row[c] += Math.max(0, Math.round(Number(r[c]) || 0));
      rows.set(k, row);
      if (r.requests > 0) {
        const end = Math.min((hour + 1) * HOUR_MS - 1, now.getTime());
        lastUsed.push({
          publicationId: r.publicationId,
          clientId: r.clientId,
          ms: r.lastSeenAt?.getTime() ?? end,
        });
      }
    }
    await this.store.replaceSourceHours(sourceId, [...rows.values()], lastUsed);
  }

  /** Drops rollups past their retention; hourly data goes by whole days so daily sums stay complete. */
  async prune(now: Date): Promise<void> {
    const today = dayOf(now);
    await this.store.prune({
      hour: (today - this.config.retentionDays) * 24,
      day: today - this.config.dailyRetentionDays,
      ingestHour: hourOf(now) - this.config.ingest.dedupeHours,
    });
  }
}
