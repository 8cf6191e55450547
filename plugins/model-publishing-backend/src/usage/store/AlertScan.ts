import type { Knex } from 'knex';
import type { Counters } from '../types';
import { BucketRange, chunks, COLUMNS, rawRows, toCounters } from './sql';

export interface CounterRow extends Counters {
  clientId: string;
  /** hour or day number, depending on the query */
  bucket: number;
}

/** Smallest requests and tokens that raise an alert (Infinity: no limit of that metric). */
export interface Floors {
  requests: number;
  tokens: number;
}

/** Each publication's floors: of its shared limit, and of each key's own (by client id). */
export interface PublicationFloors {
  publication: Floors;
  keys: Map<string, Floors>;
}

const finite = (f: Floors) =>
  Number.isFinite(f.requests) || Number.isFinite(f.tokens);
/** A floor of Infinity is one no counter reaches (never bind Infinity). */
const bound = (n: number) => (Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER);

/** The quota-alert queries: candidate rows for one publication's report, alert counts for many. */
export class AlertScan {
  constructor(private readonly db: Knex) {}

  /**
   * Rows (per client id, or summed over the publication when `perClient` is false) whose requests or tokens
   * reach the given floors: the candidates for quota alerts, so reports never scan every row in JS.
   * Per client, only requests and tokens are read (other counters are 0 in the result).
   */
  async bucketsAtLeast(
    publicationId: string,
    granularity: 'hour' | 'day',
    range: BucketRange,
    floors: Floors,
    perClient: boolean,
  ): Promise<CounterRow[]> {
    let t = { name: 'usage_daily', bucket: 'day' };
    if (granularity === 'hour')
      t = perClient
        ? { name: 'usage_hourly', bucket: 'hour' }
        : { name: 'usage_hourly_total', bucket: 'hour' };
    const q = this.db(t.name)
      .select(`${t.bucket} as bucket`)
      .where('publication_id', publicationId)
      .andWhere(t.bucket, '>=', range.from)
      .andWhere(t.bucket, '<', range.to);
    const conditions: [string, number][] = [];
    if (Number.isFinite(floors.requests))
      conditions.push(['requests', floors.requests]);
    if (Number.isFinite(floors.tokens))
      conditions.push(['input_tokens + output_tokens', floors.tokens]);
    if (conditions.length === 0) return [];
    if (perClient) {
      // only what alerts need, so the alert index covers the query
      q.select(
        'client_id',
        'requests',
        'input_tokens',
        'output_tokens',
      ).andWhere(b => {
        for (const [expr, floor] of conditions)
          b.orWhereRaw(`${expr} >= ?`, [floor]);
      });
    } else {
      q.groupBy(t.bucket);
      for (const c of COLUMNS) q.sum({ [c]: c });
      q.havingRaw(
        conditions.map(([expr]) => `SUM(${expr}) >= ?`).join(' OR '),
        conditions.map(([, floor]) => floor),
      );
    }
    const rows: Record<string, unknown>[] = await q;
    return rows.map(r => ({
      clientId: perClient ? String(r.client_id) : '',
      bucket: Number(r.bucket),
      ...toCounters(r),
    }));
  }

  /**
   * How many alerts each publication has in one window kind: one per (subject, metric, window) at or over
   * its floor. The database returns only candidate rows — those reaching the smallest floor of their
   * publication, from a VALUES list joined first (CROSS JOIN keeps SQLite's loop order: publication, then
   * its rows by index) — and each is checked against its own key's floors here. The hourly key scan reads
   * the hourly totals' busiest-key columns first and per-key rows only for hours in which some key could
   * have reached a floor.
   */
  async countAtLeastMany(
    granularity: 'hour' | 'day',
    range: BucketRange,
    floors: Map<string, PublicationFloors>,
  ): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const reached = (f: Floors | undefined, requests: number, tokens: number) =>
      f ? Number(requests >= f.requests) + Number(tokens >= f.tokens) : 0;
    const run = async (
      entries: [string, Floors][],
      sql: (values: string) => string,
      count: (id: string, r: Record<string, unknown>) => number,
    ) => {
      for (const part of chunks(entries.filter(([, f]) => finite(f)))) {
        const values = part
          .map(() => '(?, CAST(? AS BIGINT), CAST(? AS BIGINT))')
          .join(', ');
        const bindings = [
          ...part.flatMap(([id, f]) => [
            id,
            bound(f.requests),
            bound(f.tokens),
          ]),
          range.from,
          range.to,
        ];
        const rows = rawRows(await this.db.raw(sql(values), bindings));
        for (const r of rows) {
          const id = String(r.publication_id);
          counts.set(id, (counts.get(id) ?? 0) + count(id, r));
        }
      }
    };
    const p = (values: string) =>
      `WITH p (publication_id, min_requests, min_tokens) AS (VALUES ${values})`;

    // publication scope: the hourly totals, or the daily rows summed per day
    const shared = [...floors].map(
      ([id, f]) => [id, f.publication] as [string, Floors],
    );
    const sharedCount = (id: string, r: Record<string, unknown>) =>
      reached(
        floors.get(id)!.publication,
        Number(r.requests),
        Number(r.tokens),
      );
    await run(
      shared,
      values =>
        granularity === 'hour'
          ? `${p(values)}
             SELECT t.publication_id, t.requests, t.input_tokens + t.output_tokens AS tokens
             FROM p CROSS JOIN usage_hourly_total t
             WHERE t.publication_id = p.publication_id AND t.hour >= ? AND t.hour < ?
               AND (t.requests >= p.min_requests OR t.input_tokens + t.output_tokens >= p.min_tokens)`
          : `${p(values)}
             SELECT t.publication_id, SUM(t.requests) AS requests,
                    SUM(t.input_tokens + t.output_tokens) AS tokens
             FROM p CROSS JOIN usage_daily t
             WHERE t.publication_id = p.publication_id AND t.day >= ? AND t.day < ?
             GROUP BY t.publication_id, t.day, p.min_requests, p.min_tokens
             HAVING SUM(t.requests) >= p.min_requests
                 OR SUM(t.input_tokens + t.output_tokens) >= p.min_tokens`,
      sharedCount,
    );

    // key scope: candidates reach the smallest floor of their publication's keys
    const smallest = [...floors].map(([id, f]) => {
      const keys = [...f.keys.values()];
      return [
        id,
        {
          requests: Math.min(Infinity, ...keys.map(k => k.requests)),
          tokens: Math.min(Infinity, ...keys.map(k => k.tokens)),
        },
      ] as [string, Floors];
    });
    const keyCount = (id: string, r: Record<string, unknown>) =>
      reached(
        floors.get(id)!.keys.get(String(r.client_id)),
        Number(r.requests),
        Number(r.tokens),
      );
    await run(
      smallest,
      values =>
        granularity === 'hour'
          ? `${p(values)}
             SELECT t.publication_id, t.client_id, t.requests,
                    t.input_tokens + t.output_tokens AS tokens
             FROM p CROSS JOIN usage_hourly_total h CROSS JOIN usage_hourly t
             WHERE h.publication_id = p.publication_id AND h.hour >= ? AND h.hour < ?
               AND (h.max_key_requests >= p.min_requests OR h.max_key_tokens >= p.min_tokens)
               AND t.publication_id = h.publication_id AND t.hour = h.hour
               AND (t.requests >= p.min_requests OR t.input_tokens + t.output_tokens >= p.min_tokens)`
          : `${p(values)}
             SELECT t.publication_id, t.client_id, t.requests,
                    t.input_tokens + t.output_tokens AS tokens
             FROM p CROSS JOIN usage_daily t
             WHERE t.publication_id = p.publication_id AND t.day >= ? AND t.day < ?
               AND (t.requests >= p.min_requests OR t.input_tokens + t.output_tokens >= p.min_tokens)`,
      keyCount,
    );
    return counts;
  }
}
