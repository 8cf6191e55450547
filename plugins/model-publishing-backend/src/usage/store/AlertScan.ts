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
   * its floor, counted in SQL against a VALUES list of floors (per key, or per publication). The hourly key
   * scan first reads the hourly totals' busiest-key columns and joins per-key rows only for hours in which
   * some key could have reached its floor.
   */
  async countAtLeastMany(
    granularity: 'hour' | 'day',
    range: BucketRange,
    floors: Map<string, PublicationFloors>,
  ): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const add = (rows: Record<string, unknown>[]) => {
      for (const r of rows) {
        const id = String(r.publication_id);
        counts.set(id, (counts.get(id) ?? 0) + Number(r.n));
      }
    };
    const reached = (alias: string, requests: string, tokens: string) =>
      `(CASE WHEN ${requests} >= ${alias}.min_requests THEN 1 ELSE 0 END + ` +
      `CASE WHEN ${tokens} >= ${alias}.min_tokens THEN 1 ELSE 0 END)`;
    const values = (n: number, columns: number) =>
      Array.from(
        { length: n },
        () => `(?${', CAST(? AS BIGINT)'.repeat(columns - 1)})`,
      ).join(', ');

    // publication scope
    const shared = [...floors]
      .filter(([, f]) => finite(f.publication))
      .map(([id, f]) => [id, f.publication] as const);
    for (const part of chunks(shared)) {
      const f = `f (publication_id, min_requests, min_tokens) AS (VALUES ${values(
        part.length,
        3,
      )})`;
      const bindings = [
        ...part.flatMap(([id, fl]) => [
          id,
          bound(fl.requests),
          bound(fl.tokens),
        ]),
        range.from,
        range.to,
      ];
      const sql =
        granularity === 'hour'
          ? `WITH ${f}
             SELECT t.publication_id, SUM(${reached(
               'f',
               't.requests',
               't.input_tokens + t.output_tokens',
             )}) AS n
             FROM usage_hourly_total t JOIN f ON t.publication_id = f.publication_id
             WHERE t.hour >= ? AND t.hour < ?
             GROUP BY t.publication_id`
          : `WITH ${f}, d AS (
               SELECT publication_id, day, SUM(requests) AS requests,
                      SUM(input_tokens + output_tokens) AS tokens
               FROM usage_daily
               WHERE publication_id IN (SELECT publication_id FROM f) AND day >= ? AND day < ?
               GROUP BY publication_id, day)
             SELECT d.publication_id, SUM(${reached(
               'f',
               'd.requests',
               'd.tokens',
             )}) AS n
             FROM d JOIN f ON d.publication_id = f.publication_id
             GROUP BY d.publication_id`;
      add(rawRows(await this.db.raw(sql, bindings)));
    }

    // key scope: one VALUES row per limited key, chunked by publication so each chunk holds its keys whole
    const perKey = [...floors].map(
      ([id, f]) => [id, [...f.keys].filter(([, fl]) => finite(fl))] as const,
    );
    let batch: (readonly [string, [string, Floors][]])[] = [];
    let size = 0;
    const flush = async () => {
      if (size === 0) return;
      const keyRows = batch.flatMap(([id, keys]) =>
        keys.map(([clientId, fl]) => [id, clientId, fl] as const),
      );
      const pubRows = batch.map(([id, keys]) => [
        id,
        Math.min(...keys.map(([, fl]) => bound(fl.requests))),
        Math.min(...keys.map(([, fl]) => bound(fl.tokens))),
      ]);
      const f = `f (publication_id, client_id, min_requests, min_tokens) AS (VALUES ${keyRows
        .map(() => '(?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT))')
        .join(', ')})`;
      const fBindings = keyRows.flatMap(([id, clientId, fl]) => [
        id,
        clientId,
        bound(fl.requests),
        bound(fl.tokens),
      ]);
      const count = reached(
        'f',
        't.requests',
        't.input_tokens + t.output_tokens',
      );
      let sql: string;
      let bindings: unknown[];
      if (granularity === 'hour') {
        const p = `p (publication_id, min_requests, min_tokens) AS (VALUES ${values(
          pubRows.length,
          3,
        )})`;
        sql = `WITH ${f}, ${p}
          SELECT t.publication_id, SUM(${count}) AS n
          FROM usage_hourly_total h
          JOIN p ON h.publication_id = p.publication_id
          JOIN usage_hourly t ON t.publication_id = h.publication_id AND t.hour = h.hour
          JOIN f ON f.publication_id = t.publication_id AND f.client_id = t.client_id
          WHERE h.hour >= ? AND h.hour < ?
            AND (h.max_key_requests >= p.min_requests OR h.max_key_tokens >= p.min_tokens)
          GROUP BY t.publication_id`;
        bindings = [...fBindings, ...pubRows.flat(), range.from, range.to];
      } else {
        sql = `WITH ${f}
          SELECT t.publication_id, SUM(${count}) AS n
          FROM usage_daily t
          JOIN f ON f.publication_id = t.publication_id AND f.client_id = t.client_id
          WHERE t.day >= ? AND t.day < ?
          GROUP BY t.publication_id`;
        bindings = [...fBindings, range.from, range.to];
      }
      add(rawRows(await this.db.raw(sql, bindings as Knex.RawBinding[])));
      batch = [];
      size = 0;
    };
    for (const entry of perKey) {
      if (entry[1].length === 0) continue;
      if (size + entry[1].length > 2000) await flush();
      batch.push(entry);
      size += entry[1].length;
    }
    await flush();
    return counts;
  }
}
