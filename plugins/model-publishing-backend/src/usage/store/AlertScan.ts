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
   * Rows (per client id, or the publication's totals when `perClient` is false) whose requests or tokens
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
    const t = {
      name: `usage_${granularity === 'hour' ? 'hourly' : 'daily'}${
        perClient ? '' : '_total'
      }`,
      bucket: granularity,
    };
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
    // per client only what alerts need, so the alert index covers the query; the totals tables hold one
    // row per publication and bucket
    if (perClient)
      q.select('client_id', 'requests', 'input_tokens', 'output_tokens');
    else q.select(...COLUMNS);
    q.andWhere(b => {
      for (const [expr, floor] of conditions)
        b.orWhereRaw(`${expr} >= ?`, [floor]);
    });
    const rows: Record<string, unknown>[] = await q;
    return rows.map(r => ({
      clientId: perClient ? String(r.client_id) : '',
      bucket: Number(r.bucket),
      ...toCounters(r),
    }));
  }

  /**
   * How many alerts each publication has in one window kind: one per (subject, metric, window) at or over
   * its floor, counted in the database (one row per publication comes back, however many alerts there
   * are). Each key's floors come in a VALUES list joined first (CROSS JOIN keeps SQLite's loop order: key,
   * then its rows by index); requests and tokens are counted apart, so each reads an index ordered by that
   * metric (see the usage_alert_indexes migration) and touches only the rows at or over the floor.
   */
  async countAtLeastMany(
    granularity: 'hour' | 'day',
    range: BucketRange,
    floors: Map<string, PublicationFloors>,
  ): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const run = async <T>(
      entries: T[],
      row: string,
      bind: (entry: T) => (string | number)[],
      sql: (values: string) => string,
      rangeUses: number,
    ) => {
      for (const part of chunks(entries)) {
        const values = part.map(() => row).join(', ');
        const bindings = [
          ...part.flatMap(bind),
          ...Array.from({ length: rangeUses }, () => [
            range.from,
            range.to,
          ]).flat(),
        ];
        for (const r of rawRows(await this.db.raw(sql(values), bindings))) {
          const id = String(r.publication_id);
          counts.set(id, (counts.get(id) ?? 0) + Number(r.n));
        }
      }
    };
    const tokens = 't.input_tokens + t.output_tokens';
    const floorRow = '(?, CAST(? AS BIGINT), CAST(? AS BIGINT))';

    // publication scope: the hourly or daily totals
    const shared = [...floors]
      .filter(([, f]) => finite(f.publication))
      .map(([id, f]) => ({ id, floors: f.publication }));
    const p = (values: string) =>
      `WITH p (publication_id, min_requests, min_tokens) AS (VALUES ${values})`;
    // Hourly: `+t.hour` keeps the range a filter, not an index term, so SQLite (no statistics) walks the
    // index ordered by the metric rather than every hour of the range (the hour is in that index anyway).
    // Daily rows are read in day order from one index. The token floor is compared as `+floor`: a value
    // without type affinity, as the indexed expression has none, or SQLite cannot use the expression index.
    const at = granularity === 'hour' ? '+t.hour' : 't.day';
    const perMetric = (
      from: string,
      scope: string,
      metric: string,
      floor: string,
    ) =>
      `SELECT t.publication_id, COUNT(*) AS n
       FROM ${from} t
       WHERE ${scope} AND ${metric} >= ${floor} AND ${at} >= ? AND ${at} < ?
       GROUP BY t.publication_id`;
    await run(
      shared,
      floorRow,
      e => [e.id, bound(e.floors.requests), bound(e.floors.tokens)],
      values =>
        granularity === 'hour'
          ? `${p(values)}
             SELECT publication_id, SUM(n) AS n FROM (
               ${perMetric(
                 'p CROSS JOIN usage_hourly_total',
                 't.publication_id = p.publication_id',
                 't.requests',
                 'p.min_requests',
               )}
               UNION ALL
               ${perMetric(
                 'p CROSS JOIN usage_hourly_total',
                 't.publication_id = p.publication_id',
                 tokens,
                 '+p.min_tokens',
               )}
             ) c GROUP BY publication_id`
          : `${p(values)}
             SELECT t.publication_id,
                    SUM(CASE WHEN t.requests >= p.min_requests THEN 1 ELSE 0 END
                      + CASE WHEN ${tokens} >= p.min_tokens THEN 1 ELSE 0 END) AS n
             FROM p CROSS JOIN usage_daily_total t
             WHERE t.publication_id = p.publication_id AND t.day >= ? AND t.day < ?
             GROUP BY t.publication_id`,
      granularity === 'hour' ? 2 : 1,
    );

    // key scope: each key against its own floors
    const keys = [...floors].flatMap(([id, f]) =>
      [...f.keys]
        .filter(([, k]) => finite(k))
        .map(([clientId, k]) => ({ id, clientId, floors: k })),
    );
    const table = granularity === 'hour' ? 'usage_hourly' : 'usage_daily';
    const own =
      't.publication_id = k.publication_id AND t.client_id = k.client_id';
    await run(
      keys,
      '(?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT))',
      e => [e.id, e.clientId, bound(e.floors.requests), bound(e.floors.tokens)],
      values =>
        `WITH k (publication_id, client_id, min_requests, min_tokens) AS (VALUES ${values})
         SELECT publication_id, SUM(n) AS n FROM (
           ${perMetric(
             `k CROSS JOIN ${table}`,
             own,
             't.requests',
             'k.min_requests',
           )}
           UNION ALL
           ${perMetric(`k CROSS JOIN ${table}`, own, tokens, '+k.min_tokens')}
         ) c GROUP BY publication_id`,
      2,
    );
    return counts;
  }
}
