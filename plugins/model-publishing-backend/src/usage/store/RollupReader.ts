import type { Knex } from 'knex';
import { COUNTERS, Counters } from '../types';
import {
  BucketRange,
  chunks,
  COLUMN,
  COLUMNS,
  splitHourRange,
  toCounters,
} from './sql';

/** One client id's counters on one publication and UTC day. */
export interface ClientDayRow extends Counters {
  publicationId: string;
  clientId: string;
  day: number;
}

function addInto(seen: Counters, add: Counters): void {
  for (const k of COUNTERS) seen[k] += add[k];
}

/** Reads the merged rollups: series, per-key totals, per-publication daily totals, last use. */
export class RollupReader {
  constructor(private readonly db: Knex) {}

  /** Publication totals per bucket in the range (buckets without rows are absent). */
  async series(
    publicationId: string,
    granularity: 'hour' | 'day',
    range: BucketRange,
    clientId?: string,
  ): Promise<{ bucket: number; counters: Counters }[]> {
    if (clientId === undefined) {
      // one precomputed row per hour or day
      const t =
        granularity === 'hour'
          ? { name: 'usage_hourly_total', bucket: 'hour' }
          : { name: 'usage_daily_total', bucket: 'day' };
      const rows: Record<string, unknown>[] = await this.db(t.name)
        .select(`${t.bucket} as bucket`, ...COLUMNS)
        .where('publication_id', publicationId)
        .andWhere(t.bucket, '>=', range.from)
        .andWhere(t.bucket, '<', range.to)
        .orderBy(t.bucket);
      return rows.map(r => ({
        bucket: Number(r.bucket),
        counters: toCounters(r),
      }));
    }
    const t =
      granularity === 'hour'
        ? { name: 'usage_hourly', bucket: 'hour' }
        : { name: 'usage_daily', bucket: 'day' };
    const q = this.db(t.name)
      .select(`${t.bucket} as bucket`)
      .where('publication_id', publicationId)
      .andWhere(t.bucket, '>=', range.from)
      .andWhere(t.bucket, '<', range.to)
      .groupBy(t.bucket)
      .orderBy(t.bucket);
    if (clientId !== undefined) q.andWhere('client_id', clientId);
    for (const c of COLUMNS) q.sum({ [c]: c });
    const rows: Record<string, unknown>[] = await q;
    return rows.map(r => ({
      bucket: Number(r.bucket),
      counters: toCounters(r),
    }));
  }

  /**
   * One publication's series per client id (the chart's per-key lines): hour or day buckets, each client's
   * rows ordered by bucket.
   */
  async seriesByClient(
    publicationId: string,
    granularity: 'hour' | 'day',
    range: BucketRange,
  ): Promise<Map<string, { bucket: number; counters: Counters }[]>> {
    const t =
      granularity === 'hour'
        ? { name: 'usage_hourly', bucket: 'hour' }
        : { name: 'usage_daily', bucket: 'day' };
    const rows: Record<string, unknown>[] = await this.db(t.name)
      .select(`${t.bucket} as bucket`, 'client_id', ...COLUMNS)
      .where('publication_id', publicationId)
      .andWhere(t.bucket, '>=', range.from)
      .andWhere(t.bucket, '<', range.to)
      .orderBy(['client_id', t.bucket]);
    const out = new Map<string, { bucket: number; counters: Counters }[]>();
    for (const r of rows) {
      const list = out.get(String(r.client_id)) ?? [];
      list.push({ bucket: Number(r.bucket), counters: toCounters(r) });
      out.set(String(r.client_id), list);
    }
    return out;
  }

  /**
   * Totals per client id over the range. An hour range reads whole days from the daily rollup (24 times
   * fewer rows) and only its ragged ends from the hourly one.
   */
  async byClient(
    publicationId: string,
    granularity: 'hour' | 'day',
    range: BucketRange,
  ): Promise<{ clientId: string; counters: Counters }[]> {
    const parts: { table: string; bucket: string; range: BucketRange }[] = [];
    if (granularity === 'day')
      parts.push({ table: 'usage_daily', bucket: 'day', range });
    else {
      const { daily, hourly } = splitHourRange(range);
      if (daily)
        parts.push({ table: 'usage_daily', bucket: 'day', range: daily });
      for (const h of hourly)
        parts.push({ table: 'usage_hourly', bucket: 'hour', range: h });
    }
    const totals = new Map<string, Counters>();
    for (const part of parts) {
      const q = this.db(part.table)
        .select('client_id')
        .where('publication_id', publicationId)
        .andWhere(part.bucket, '>=', part.range.from)
        .andWhere(part.bucket, '<', part.range.to)
        .groupBy('client_id');
      for (const c of COLUMNS) q.sum({ [c]: c });
      const rows: Record<string, unknown>[] = await q;
      for (const r of rows) {
        const clientId = String(r.client_id);
        const counters = toCounters(r);
        const seen = totals.get(clientId);
        if (seen) addInto(seen, counters);
        else totals.set(clientId, counters);
      }
    }
    return [...totals].map(([clientId, counters]) => ({ clientId, counters }));
  }

  /**
   * Totals per (publication, client id) over an hour range for many publications at once: whole days from
   * the daily rollup, the ragged ends from the hourly one — at most three grouped queries per 400
   * publications. Keyed by `publicationId + '\u0000' + clientId`.
   */
  async totalsByClient(
    publicationIds: string[],
    range: BucketRange,
  ): Promise<Map<string, Counters>> {
    const { daily, hourly } = splitHourRange(range);
    const parts = [
      ...(daily ? [{ table: 'usage_daily', bucket: 'day', range: daily }] : []),
      ...hourly.map(h => ({ table: 'usage_hourly', bucket: 'hour', range: h })),
    ];
    const out = new Map<string, Counters>();
    for (const ids of chunks(publicationIds)) {
      for (const part of parts) {
        const q = this.db(part.table)
          .select('publication_id', 'client_id')
          .whereIn('publication_id', ids)
          .andWhere(part.bucket, '>=', part.range.from)
          .andWhere(part.bucket, '<', part.range.to)
          .groupBy('publication_id', 'client_id');
        for (const c of COLUMNS) q.sum({ [c]: c });
        const rows: Record<string, unknown>[] = await q;
        for (const r of rows) {
          const k = `${r.publication_id}\u0000${r.client_id}`;
          const counters = toCounters(r);
          const seen = out.get(k);
          if (seen) addInto(seen, counters);
          else out.set(k, counters);
        }
      }
    }
    return out;
  }

  /**
   * Per publication and UTC day, the sums of the hours of an hour range (for the summary: its totals and
   * its sparklines); days without traffic are absent. Whole days come from the daily totals and only the
   * ragged ends from the hourly totals: at most three queries per 400 publications.
   */
  async dailyTotalsByPublication(
    publicationIds: string[],
    range: BucketRange,
  ): Promise<Map<string, Map<number, Counters>>> {
    const { daily, hourly } = splitHourRange(range);
    const out = new Map<string, Map<number, Counters>>();
    const add = (rows: Record<string, unknown>[]) => {
      for (const r of rows) {
        const id = String(r.publication_id);
        const days = out.get(id) ?? new Map<number, Counters>();
        const day = Number(r.day);
        const counters = toCounters(r);
        const seen = days.get(day);
        if (seen) addInto(seen, counters);
        else days.set(day, counters);
        out.set(id, days);
      }
    };
    for (const ids of chunks(publicationIds)) {
      if (daily) {
        add(
          await this.db('usage_daily_total')
            .select('publication_id', 'day', ...COLUMNS)
            .whereIn('publication_id', ids)
            .andWhere('day', '>=', daily.from)
            .andWhere('day', '<', daily.to),
        );
      }
      for (const part of hourly) {
        const q = this.db('usage_hourly_total')
          .select('publication_id', this.db.raw('hour / 24 as day'))
          .whereIn('publication_id', ids)
          .andWhere('hour', '>=', part.from)
          .andWhere('hour', '<', part.to)
          .groupBy('publication_id', this.db.raw('hour / 24'));
        for (const c of COLUMNS) q.sum({ [c]: c });
        add(await q);
      }
    }
    return out;
  }

  /**
   * Every (publication, client id, day) row of a day range with billable traffic: what chargeback and
   * budgets price. Only the counters prices use are read.
   */
  async clientDays(range: BucketRange): Promise<ClientDayRow[]> {
    const priced: (keyof Counters)[] = [
      'requests',
      'status401',
      'status403',
      'status429',
      'inputTokens',
      'outputTokens',
    ];
    const rows: Record<string, unknown>[] = await this.db('usage_daily')
      .select(
        'publication_id',
        'client_id',
        'day',
        ...priced.map(c => COLUMN[c]),
      )
      .where('day', '>=', range.from)
      .andWhere('day', '<', range.to)
      .andWhere('client_id', '<>', '');
    return rows.map(r => ({
      publicationId: String(r.publication_id),
      clientId: String(r.client_id),
      day: Number(r.day),
      ...toCounters(r),
    }));
  }

  /** The sources that reported a publication's traffic in an hour range. */
  async sourcesIn(
    publicationId: string,
    range: BucketRange,
  ): Promise<string[]> {
    const rows: { source: string }[] = await this.db('usage_hourly_source')
      .distinct('source')
      .where('publication_id', publicationId)
      .andWhere('hour', '>=', range.from)
      .andWhere('hour', '<', range.to);
    return rows.map(r => r.source);
  }

  /** Last use per client id of the given publications. */
  async lastUsed(
    publicationIds: string[],
  ): Promise<Map<string, Map<string, number>>> {
    const out = new Map<string, Map<string, number>>();
    for (const ids of chunks(publicationIds)) {
      const rows: {
        publication_id: string;
        client_id: string;
        last_used_ms: unknown;
      }[] = await this.db('usage_key_last_used')
        .select('publication_id', 'client_id', 'last_used_ms')
        .whereIn('publication_id', ids);
      for (const r of rows) {
        const m = out.get(r.publication_id) ?? new Map<string, number>();
        m.set(r.client_id, Number(r.last_used_ms));
        out.set(r.publication_id, m);
      }
    }
    return out;
  }
}
