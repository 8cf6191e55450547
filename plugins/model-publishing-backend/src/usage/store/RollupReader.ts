import type { Knex } from 'knex';
import { COUNTERS, Counters } from '../types';
import {
  BucketRange,
  chunks,
  COLUMNS,
  rawRows,
  splitHourRange,
  toCounters,
} from './sql';

/** A publication's prices as chargeback applies them (0 where unset). */
export interface ChargebackPrices {
  publicationId: string;
  requestsPerThousand: number;
  inputTokensPerMillion: number;
  outputTokensPerMillion: number;
}

/** One (publication, client id)'s billable traffic over a range. */
export interface ChargebackKeySums {
  publicationId: string;
  clientId: string;
  billableRequests: number;
  inputTokens: number;
  outputTokens: number;
}

export interface ChargebackSums {
  keys: ChargebackKeySums[];
  /** Cost per consumer (the number consumerOf gave) and day. */
  consumerDays: { consumer: number; day: number; cost: number }[];
  /** Cost per priced publication and day. */
  publicationDays: { publicationId: string; day: number; cost: number }[];
}

/** Requests the model served: refusals by the gateway are not billed (prices.ts billableRequests). */
const BILLABLE = 'requests - status_401 - status_403 - status_429';

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
   * What chargeback prices, summed in the database: per (publication, client id) the month's billable
   * requests (401, 403 and 429 refusals are not billed, per day row) and tokens; the cost per consumer and
   * day of the keys given (each (publication, client id) pair tagged with its consumer's number); and the
   * cost per publication and day. Prices are per publication; costs are computed row by row as costOf does.
   * A few hundred or thousand rows come back instead of one per key and day.
   */
  async chargebackSums(
    range: BucketRange,
    prices: ChargebackPrices[],
    consumerOf: (publicationId: string, clientId: string) => number | undefined,
  ): Promise<ChargebackSums> {
    const billable = `CASE WHEN ${BILLABLE} > 0 THEN ${BILLABLE} ELSE 0 END`;
    const keys: ChargebackKeySums[] = (
      (await this.db('usage_daily')
        .select('publication_id', 'client_id')
        .sum({ billable: this.db.raw(billable) })
        .sum({ input_tokens: 'input_tokens', output_tokens: 'output_tokens' })
        .where('day', '>=', range.from)
        .andWhere('day', '<', range.to)
        .andWhere('client_id', '<>', '')
        .groupBy('publication_id', 'client_id')) as Record<string, unknown>[]
    ).map(r => ({
      publicationId: String(r.publication_id),
      clientId: String(r.client_id),
      billableRequests: Number(r.billable),
      inputTokens: Number(r.input_tokens),
      outputTokens: Number(r.output_tokens),
    }));
    const consumerDays: ChargebackSums['consumerDays'] = [];
    const publicationDays: ChargebackSums['publicationDays'] = [];
    if (prices.length === 0) return { keys, consumerDays, publicationDays };

    // prices per unit, as doubles: PostgreSQL would do \`bigint / 1000.0\` in slow numeric arithmetic
    const cost = `(${billable}) * p.per_request + t.input_tokens * p.per_input_token + t.output_tokens * p.per_output_token`;
    // each key with its consumer's and publication's numbers and its publication's prices; its days are
    // read once per grouping, index-only (usage_daily_key_priced_idx)
    const priceOf = new Map(
      prices.map((p, i) => [p.publicationId, { ...p, i }]),
    );
    const tagged = keys.flatMap(k => {
      const price = priceOf.get(k.publicationId);
      const consumer = price && consumerOf(k.publicationId, k.clientId);
      return consumer === undefined ? [] : [{ ...k, consumer, price: price! }];
    });
    for (const part of chunks(tagged, 2000)) {
      // each key-day priced once (a materialized CTE: one pass over the rows), then summed two ways
      const rows = rawRows(
        await this.db.raw(
          `WITH p (publication_id, client_id, consumer, publication, per_request, per_input_token, per_output_token) AS (VALUES ${part
            .map(
              () =>
                '(?, ?, CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION))',
            )
            .join(', ')}),
           r AS MATERIALIZED (
             SELECT p.consumer, p.publication, t.day, ${cost} AS cost
             FROM p CROSS JOIN usage_daily t
             WHERE t.publication_id = p.publication_id AND t.client_id = p.client_id
               AND t.day >= ? AND t.day < ?
           )
           SELECT 'c' AS g, consumer AS id, day, SUM(cost) AS cost FROM r GROUP BY consumer, day
           UNION ALL
           SELECT 'p' AS g, publication AS id, day, SUM(cost) AS cost FROM r GROUP BY publication, day`,
          [
            ...part.flatMap(k => [
              k.publicationId,
              k.clientId,
              k.consumer,
              k.price.i,
              k.price.requestsPerThousand / 1_000,
              k.price.inputTokensPerMillion / 1_000_000,
              k.price.outputTokensPerMillion / 1_000_000,
            ]),
            range.from,
            range.to,
          ],
        ),
      );
      for (const r of rows) {
        const day = Number(r.day);
        const amount = Number(r.cost);
        if (r.g === 'c')
          consumerDays.push({ consumer: Number(r.id), day, cost: amount });
        else
          publicationDays.push({
            publicationId: prices[Number(r.id)].publicationId,
            day,
            cost: amount,
          });
      }
    }
    return { keys, consumerDays, publicationDays };
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
