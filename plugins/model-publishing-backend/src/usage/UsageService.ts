import type {
  UsageKeyBreakdown,
  UsageReport,
  UsageSummary,
  UsageSummaryItem,
} from '@model-publishing/plugin-model-publishing-common';
import type { UsageRecord } from '@model-publishing/plugin-model-publishing-node';
import { UsageStore, type LastUse } from './UsageStore';
import {
  COUNTERS,
  Counters,
  HourRow,
  LatencyRow,
  UsagePublicationInfo,
  zeroCounters,
} from './types';
import { DAY_MS, HOUR_MS, dayOf, hourOf } from './time';
import { fillBuckets, keyIdOf, reportToCsv, sumCounters } from './report';
import { pickLatency } from './latency';
import { approximationsOf } from './approximations';
import { costOf, hasPrices, roundCost } from './costs/prices';
import { QuotaAlerts } from './QuotaAlerts';
import { clientIdForKey } from '../keys/keyFormat';
import {
  bucketRange,
  checkUsageQuery,
  MAX_BUCKETS,
  type UsageQuery,
} from './query';
import type { UsageConfig } from './config';

export { bucketRange, checkUsageQuery, MAX_BUCKETS };
export type { UsageQuery };

/** A report lists at most this many (newest) alerts; a key living at its limit would otherwise flood it. */
export const MAX_USAGE_ALERTS = 500;

/** Reports, summaries, CSV and quota alerts over the rollups; records what sources collect. */
export class UsageService {
  readonly quotaAlerts: QuotaAlerts;

  constructor(
    private readonly store: UsageStore,
    private readonly config: Pick<
      UsageConfig,
      'retentionDays' | 'dailyRetentionDays' | 'ingest'
    > &
      Partial<Pick<UsageConfig, 'currency'>>,
  ) {
    this.quotaAlerts = new QuotaAlerts(store);
  }

  /** `keySeries`: every key's row also carries its zero-filled buckets (the chart's per-key lines). */
  async report(
    pub: UsagePublicationInfo,
    query: UsageQuery,
    options: { keySeries?: boolean } = {},
  ): Promise<UsageReport> {
    checkUsageQuery(query);
    const range = bucketRange(query);
    const hours = bucketRange({ ...query, granularity: 'hour' });
    const size = query.granularity === 'hour' ? HOUR_MS : DAY_MS;
    const [series, clients, lastUsed, alerts, latency, sources, perKey] =
      await Promise.all([
        this.store.reader.series(pub.id, query.granularity, range),
        this.store.reader.byClient(pub.id, query.granularity, range),
        this.store.reader
          .lastUsed([pub.id])
          .then(m => m.get(pub.id) ?? new Map<string, number>()),
        this.quotaAlerts.list(pub, query),
        this.store.latency.histograms(pub.id, hours, true),
        this.store.reader.sourcesIn(pub.id, hours),
        options.keySeries
          ? this.store.reader.seriesByClient(pub.id, query.granularity, range)
          : undefined,
      ]);

    const priced = hasPrices(pub.prices);
    const names = new Map(pub.keys.map(k => [k.clientId, k]));
    const totalsByClient = new Map(clients.map(c => [c.clientId, c.counters]));
    const clientIds = new Set([
      ...pub.keys.map(k => k.clientId),
      ...totalsByClient.keys(),
    ]);
    let cost = 0;
    const keys: UsageKeyBreakdown[] = [...clientIds].map(clientId => {
      const totals = totalsByClient.get(clientId) ?? zeroCounters();
      const entry: UsageKeyBreakdown = { clientId, totals };
      const known = names.get(clientId);
      const keyId = known?.id ?? keyIdOf(clientId);
      if (keyId) entry.keyId = keyId;
      if (known) entry.keyName = known.name;
      const last = lastUsed.get(clientId);
      if (last !== undefined) entry.lastUsedAt = new Date(last).toISOString();
      const keyLatency = latency.get(clientId);
      if (keyLatency) entry.latency = pickLatency(keyLatency);
      if (perKey)
        entry.buckets = fillBuckets(
          query.granularity,
          range,
          perKey.get(clientId) ?? [],
        );
      if (priced) {
        const c = costOf(totals, pub.prices);
        cost += c;
        entry.cost = roundCost(c);
      }
      return entry;
    });
    keys.sort(
      (a, b) =>
        b.totals.requests - a.totals.requests ||
        a.clientId.localeCompare(b.clientId),
    );

    // the publication's histograms: every client's, added up per source and metric
    const whole = new Map<string, Map<string, Map<number, number>>>();
    for (const bySource of latency.values()) {
      for (const [source, metrics] of bySource) {
        const into = whole.get(source) ?? new Map();
        whole.set(source, into);
        for (const [metric, h] of metrics) {
          const m: Map<number, number> = into.get(metric) ?? new Map();
          into.set(metric, m);
          for (const [le, n] of h) m.set(le, (m.get(le) ?? 0) + n);
        }
      }
    }

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
      latency: pickLatency(whole as Parameters<typeof pickLatency>[0]),
      approximations: approximationsOf(sources),
    };
    if (priced)
      report.cost = {
        currency: this.config.currency ?? 'USD',
        total: roundCost(cost),
        prices: pub.prices!,
      };
    if (alerts.length > MAX_USAGE_ALERTS) report.alertsTotal = alerts.length;
    if (Number.isFinite(lastAll))
      report.lastUsedAt = new Date(lastAll).toISOString();
    return report;
  }

  /**
   * One key's usage for its holder (docs/design.md §9): the key's own buckets, totals, last use, latency and
   * alerts — nothing of the publication's other keys, and no cost (prices are the owners' business).
   */
  async keyReport(
    pub: UsagePublicationInfo,
    clientId: string,
    query: UsageQuery,
  ): Promise<UsageReport> {
    checkUsageQuery(query);
    const range = bucketRange(query);
    const hours = bucketRange({ ...query, granularity: 'hour' });
    const size = query.granularity === 'hour' ? HOUR_MS : DAY_MS;
    const [series, lastUsed, alerts, latency, sources] = await Promise.all([
      this.store.reader
        .seriesByClient(pub.id, query.granularity, range)
        .then(m => m.get(clientId) ?? []),
      this.store.reader
        .lastUsed([pub.id])
        .then(m => m.get(pub.id)?.get(clientId)),
      this.quotaAlerts
        .list(pub, query)
        .then(all =>
          all.filter(a => a.scope === 'key' && a.clientId === clientId),
        ),
      this.store.latency
        .histograms(pub.id, hours, true)
        .then(m => m.get(clientId)),
      this.store.reader.sourcesIn(pub.id, hours),
    ]);
    const key = pub.keys.find(k => k.clientId === clientId);
    const totals = sumCounters(series.map(s => s.counters));
    const entry: UsageKeyBreakdown = { clientId, totals };
    if (key) {
      entry.keyId = key.id;
      entry.keyName = key.name;
    }
    if (lastUsed !== undefined)
      entry.lastUsedAt = new Date(lastUsed).toISOString();
    const keyLatency = latency ? pickLatency(latency) : [];
    if (latency) entry.latency = keyLatency;
    return {
      publicationId: pub.id,
      from: new Date(range.from * size).toISOString(),
      to: new Date(range.to * size).toISOString(),
      granularity: query.granularity,
      totals,
      buckets: fillBuckets(query.granularity, range, series),
      keys: [entry],
      alerts: alerts.slice(0, MAX_USAGE_ALERTS),
      latency: keyLatency,
      approximations: approximationsOf(sources),
      ...(entry.lastUsedAt ? { lastUsedAt: entry.lastUsedAt } : {}),
      ...(alerts.length > MAX_USAGE_ALERTS
        ? { alertsTotal: alerts.length }
        : {}),
    };
  }

  /**
   * Each key's totals over a range, for keys on many publications (a consumer's own usage across models):
   * a few grouped queries whatever the number of publications. Keyed by key id; keys without traffic are
   * absent.
   */
  async keyTotals(
    keys: { publicationId: string; keyId: string }[],
    range: { from: Date; to: Date },
  ): Promise<Map<string, Counters>> {
    const query: UsageQuery = { ...range, granularity: 'hour' };
    checkUsageQuery(query);
    const byClient = await this.store.reader.totalsByClient(
      [...new Set(keys.map(k => k.publicationId))],
      bucketRange(query),
    );
    const out = new Map<string, Counters>();
    for (const k of keys) {
      const counters = byClient.get(
        `${k.publicationId}\u0000${clientIdForKey(k.keyId)}`,
      );
      if (counters) out.set(k.keyId, counters);
    }
    return out;
  }

  async csv(pub: UsagePublicationInfo, query: UsageQuery): Promise<string> {
    return reportToCsv(await this.report(pub, query));
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
      this.store.reader.dailyTotalsByPublication(ids, hours),
      this.store.reader.lastUsed(ids),
      this.quotaAlerts.counts(pubs, query),
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
    const latency = new Map<string, LatencyRow>();
    const lastUsed: LastUse[] = [];
    const count = (v: unknown) => Math.max(0, Math.round(Number(v) || 0));
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
      for (const c of COUNTERS) row[c] += count(r[c]);
      rows.set(k, row);
      for (const h of r.latency ?? []) {
        for (const b of h.buckets) {
          const le = Number(b.le);
          if (!(le > 0)) continue;
          const lk = `${k}\u0000${h.metric}\u0000${le}`;
          const seen = latency.get(lk);
          if (seen) seen.count += count(b.count);
          else
            latency.set(lk, {
              publicationId: r.publicationId,
              clientId: r.clientId,
              hour,
              metric: h.metric,
              le,
              count: count(b.count),
            });
        }
      }
      if (r.requests > 0) {
        const end = Math.min((hour + 1) * HOUR_MS - 1, now.getTime());
        lastUsed.push({
          publicationId: r.publicationId,
          clientId: r.clientId,
          ms: r.lastSeenAt?.getTime() ?? end,
        });
      }
    }
    await this.store.writer.replaceSourceHours(
      sourceId,
      [...rows.values()],
      lastUsed,
      [...latency.values()],
    );
  }

  /**
   * Drops rollups past their retention; hourly data goes by whole days so daily sums stay complete, and
   * hourly latency histograms roll up into days before they go.
   */
  async prune(now: Date): Promise<void> {
    const today = dayOf(now);
    await this.store.retention.prune({
      hour: (today - this.config.retentionDays) * 24,
      day: today - this.config.dailyRetentionDays,
      ingestHour: hourOf(now) - this.config.ingest.dedupeHours,
    });
  }
}
