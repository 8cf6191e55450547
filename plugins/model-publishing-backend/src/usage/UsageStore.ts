import type { Knex } from 'knex';
import { COUNTERS, Counters, HourRow, zeroCounters } from './types';

const COLUMN: Record<(typeof COUNTERS)[number], string> = {
  requests: 'requests',
  status401: 'status_401',
  status403: 'status_403',
  status429: 'status_429',
  status5xx: 'status_5xx',
  inputTokens: 'input_tokens',
  outputTokens: 'output_tokens',
};
const COLUMNS = COUNTERS.map(c => COLUMN[c]);

/** Rows per multi-row statement: far below SQLite's 32766 bound variables. */
const CHUNK = 400;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/** PostgreSQL returns bigint and SUM() as strings. */
function toCounters(row: Record<string, unknown>): Counters {
  const c = zeroCounters();
  for (const k of COUNTERS) c[k] = Number(row[COLUMN[k]] ?? 0);
  return c;
}

function toDbRow(row: HourRow) {
  const out: Record<string, string | number> = {
    publication_id: row.publicationId,
    client_id: row.clientId,
    hour: row.hour,
  };
  for (const k of COUNTERS) out[COLUMN[k]] = row[k];
  return out;
}

export interface CounterRow extends Counters {
  clientId: string;
  /** hour or day number, depending on the query */
  bucket: number;
}

/** Range of hours [fromHour, toHour) or days [fromDay, toDay). */
export interface BucketRange {
  from: number;
  to: number;
}

/** Knex store of usage rollups; SQLite and PostgreSQL (ON CONFLICT upserts work on both). */
export class UsageStore {
  constructor(private readonly db: Knex) {}

  /**
   * Replaces what `source` reported for each row's (publication, client, hour), refreshes the merged rollups
   * and moves the clients' last use forward, in one transaction: a reader never sees traffic without its use.
   */
  async replaceSourceHours(
    source: string,
    rows: HourRow[],
    lastUsed: { publicationId: string; clientId: string; ms: number }[] = [],
  ): Promise<void> {
    if (rows.length === 0 && lastUsed.length === 0) return;
    await this.db.transaction(async tx => {
      await this.lockPublications(
        tx,
        rows.map(r => r.publicationId),
      );
      for (const part of chunks(rows)) {
        await tx('usage_hourly_source')
          .insert(part.map(r => ({ ...toDbRow(r), source })))
          .onConflict(['publication_id', 'hour', 'client_id', 'source'])
          .merge(COLUMNS);
      }
      await this.refreshMerged(tx, rows);
      await this.touchLastUsed(lastUsed, tx);
    });
  }

  /**
   * Counts access-log records exactly once: claims each record id, adds only the rows built from newly claimed
   * records, and refreshes the merged rollups, all in one transaction (a failure stores nothing).
   * `build` receives the ids that were new and returns the rows to add.
   */
  async ingest(
    source: string,
    ids: { id: string; hour: number }[],
    publicationIds: string[],
    build: (fresh: Set<string>) => {
      rows: HourRow[];
      lastUsed: { publicationId: string; clientId: string; ms: number }[];
    },
  ): Promise<{ fresh: number }> {
    return this.db.transaction(async tx => {
      await this.lockPublications(tx, publicationIds);
      const fresh = new Set<string>();
      for (const part of chunks(ids)) {
        const inserted: { id: string }[] = await tx('usage_ingest_seen')
          .insert(part)
          .onConflict('id')
          .ignore()
          .returning('id');
        for (const r of inserted) fresh.add(r.id);
      }
      const { rows, lastUsed } = build(fresh);
      if (rows.length > 0) {
        for (const part of chunks(rows)) {
          const increments = Object.fromEntries(
            COLUMNS.map(c => [
              c,
              tx.raw('?? + ??', [`usage_hourly_source.${c}`, `excluded.${c}`]),
            ]),
          );
          await tx('usage_hourly_source')
            .insert(part.map(r => ({ ...toDbRow(r), source })))
            .onConflict(['publication_id', 'hour', 'client_id', 'source'])
            .merge(increments);
        }
        await this.refreshMerged(tx, rows);
      }
      await this.touchLastUsed(lastUsed, tx);
      return { fresh: fresh.size };
    });
  }

  /**
   * PostgreSQL: one writer per publication at a time (transaction-scoped advisory locks, taken in a fixed
   * order before any write), because the merged, total and daily rows are recomputed from rows other
   * transactions may be changing. SQLite has a single writer anyway.
   */
  private async lockPublications(
    tx: Knex.Transaction,
    publicationIds: string[],
  ): Promise<void> {
    if (!/^(pg|postgres)/.test(String(tx.client.config.client))) return;
    for (const id of [...new Set(publicationIds)].sort()) {
      await tx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [
        `model-publishing/usage/${id}`,
      ]);
    }
  }

  /** Moves each client's last-used time forward (never back). */
  async touchLastUsed(
    entries: { publicationId: string; clientId: string; ms: number }[],
    db: Knex | Knex.Transaction = this.db,
  ): Promise<void> {
    const latest = new Map<
      string,
      { publicationId: string; clientId: string; ms: number }
    >();
    for (const e of entries) {
      const k = `${e.publicationId}\u0000${e.clientId}`;
      const seen = latest.get(k);
      if (!seen || seen.ms < e.ms) latest.set(k, e);
    }
    for (const part of chunks([...latest.values()])) {
      await db('usage_key_last_used')
        .insert(
          part.map(e => ({
            publication_id: e.publicationId,
            client_id: e.clientId,
            last_used_ms: e.ms,
          })),
        )
        .onConflict(['publication_id', 'client_id'])
        .merge({
          // never move backwards: late or re-collected data must not hide a newer use
          last_used_ms: db.raw('CASE WHEN ?? > ?? THEN ?? ELSE ?? END', [
            'excluded.last_used_ms',
            'usage_key_last_used.last_used_ms',
            'excluded.last_used_ms',
            'usage_key_last_used.last_used_ms',
          ]),
        });
    }
  }

  /** Recomputes merged hourly rows (max per counter across sources) and the daily sums they feed. */
  private async refreshMerged(
    tx: Knex.Transaction,
    rows: HourRow[],
  ): Promise<void> {
    const spans = new Map<
      string,
      { min: number; max: number; clients: Set<string> }
    >();
    for (const r of rows) {
      const s = spans.get(r.publicationId);
      if (!s)
        spans.set(r.publicationId, {
          min: r.hour,
          max: r.hour,
          clients: new Set([r.clientId]),
        });
      else {
        s.min = Math.min(s.min, r.hour);
        s.max = Math.max(s.max, r.hour);
        s.clients.add(r.clientId);
      }
    }
    const setExcluded = COLUMNS.map(c => `${c} = excluded.${c}`).join(', ');
    for (const [publicationId, span] of spans) {
      const dayFrom = Math.floor(span.min / 24);
      const dayTo = Math.floor(span.max / 24);
      for (const clients of chunks([...span.clients])) {
        const inClients = clients.map(() => '?').join(', ');
        await tx.raw(
          `INSERT INTO usage_hourly (publication_id, client_id, hour, ${COLUMNS.join(
            ', ',
          )})
           SELECT publication_id, client_id, hour, ${COLUMNS.map(
             c => `MAX(${c})`,
           ).join(', ')}
           FROM usage_hourly_source
           WHERE publication_id = ? AND hour >= ? AND hour <= ? AND client_id IN (${inClients})
           GROUP BY publication_id, client_id, hour
           ON CONFLICT (publication_id, hour, client_id) DO UPDATE SET ${setExcluded}`,
          [publicationId, span.min, span.max, ...clients],
        );
        await tx.raw(
          `INSERT INTO usage_hourly_total (publication_id, hour, ${COLUMNS.join(
            ', ',
          )})
           SELECT publication_id, hour, ${COLUMNS.map(c => `SUM(${c})`).join(
             ', ',
           )}
           FROM usage_hourly
           WHERE publication_id = ? AND hour >= ? AND hour <= ?
           GROUP BY publication_id, hour
           ON CONFLICT (publication_id, hour) DO UPDATE SET ${setExcluded}`,
          [publicationId, span.min, span.max],
        );
        await tx.raw(
          `INSERT INTO usage_daily (publication_id, client_id, day, ${COLUMNS.join(
            ', ',
          )})
           SELECT publication_id, client_id, hour / 24, ${COLUMNS.map(
             c => `SUM(${c})`,
           ).join(', ')}
           FROM usage_hourly
           WHERE publication_id = ? AND hour >= ? AND hour < ? AND client_id IN (${inClients})
           GROUP BY publication_id, client_id, hour / 24
           ON CONFLICT (publication_id, day, client_id) DO UPDATE SET ${setExcluded}`,
          [publicationId, dayFrom * 24, (dayTo + 1) * 24, ...clients],
        );
      }
    }
  }

  private table(granularity: 'hour' | 'day') {
    return granularity === 'hour'
      ? { name: 'usage_hourly', bucket: 'hour' }
      : { name: 'usage_daily', bucket: 'day' };
  }

  /** Publication totals per bucket in the range (buckets without rows are absent). */
  async series(
    publicationId: string,
    granularity: 'hour' | 'day',
    range: BucketRange,
    clientId?: string,
  ): Promise<{ bucket: number; counters: Counters }[]> {
    const t = this.table(granularity);
    if (granularity === 'hour' && clientId === undefined) {
      // one precomputed row per hour
      const rows: Record<string, unknown>[] = await this.db(
        'usage_hourly_total',
      )
        .select('hour as bucket', ...COLUMNS)
        .where('publication_id', publicationId)
        .andWhere('hour', '>=', range.from)
        .andWhere('hour', '<', range.to)
        .orderBy('hour');
      return rows.map(r => ({
        bucket: Number(r.bucket),
        counters: toCounters(r),
      }));
    }
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
      const firstDay = Math.ceil(range.from / 24);
      const endDay = Math.floor(range.to / 24);
      if (endDay > firstDay) {
        parts.push({
          table: 'usage_daily',
          bucket: 'day',
          range: { from: firstDay, to: endDay },
        });
        if (range.from < firstDay * 24)
          parts.push({
            table: 'usage_hourly',
            bucket: 'hour',
            range: { from: range.from, to: firstDay * 24 },
          });
        if (endDay * 24 < range.to)
          parts.push({
            table: 'usage_hourly',
            bucket: 'hour',
            range: { from: endDay * 24, to: range.to },
          });
      } else {
        parts.push({ table: 'usage_hourly', bucket: 'hour', range });
      }
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
        if (seen) for (const k of COUNTERS) seen[k] += counters[k];
        else totals.set(clientId, counters);
      }
    }
    return [...totals].map(([clientId, counters]) => ({ clientId, counters }));
  }

  /**
   * Rows (per client id, or summed over the publication when `perClient` is false) whose requests or tokens
   * reach the given floors: the candidates for quota alerts, so reports never scan every row in JS.
   * Per client, only requests and tokens are read (other counters are 0 in the result).
   */
  async bucketsAtLeast(
    publicationId: string,
    granularity: 'hour' | 'day',
    range: BucketRange,
    floors: { requests: number; tokens: number },
    perClient: boolean,
  ): Promise<CounterRow[]> {
    const t =
      granularity === 'hour' && !perClient
        ? { name: 'usage_hourly_total', bucket: 'hour' }
        : this.table(granularity);
    const q = this.db(t.name)
      .select(`${t.bucket} as bucket`)
      .where('publication_id', publicationId)
      .andWhere(t.bucket, '>=', range.from)
      .andWhere(t.bucket, '<', range.to);
    // A floor of Infinity means no limit of that metric: leave its condition out (and never bind Infinity).
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
   * bucketsAtLeast for many publications, each with floors of its own, in one query per 400 publications
   * (a VALUES list of floors joined to the rollup): the summary's alert counts without a query per
   * publication. Rows carry their publication id.
   */
  async bucketsAtLeastMany(
    granularity: 'hour' | 'day',
    range: BucketRange,
    floors: Map<string, { requests: number; tokens: number }>,
    perClient: boolean,
  ): Promise<(CounterRow & { publicationId: string })[]> {
    // A floor of Infinity means no limit of that metric: a floor no counter reaches (never bind Infinity).
    const bound = (n: number) =>
      Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
    const wanted = [...floors].filter(
      ([, f]) => Number.isFinite(f.requests) || Number.isFinite(f.tokens),
    );
    const out: (CounterRow & { publicationId: string })[] = [];
    const t =
      granularity === 'hour' && !perClient
        ? { name: 'usage_hourly_total', bucket: 'hour' }
        : this.table(granularity);
    const grouped = !perClient && granularity === 'day';
    const tokens = 't.input_tokens + t.output_tokens';
    for (const part of chunks(wanted)) {
      const values = part
        .map(() => '(?, CAST(? AS BIGINT), CAST(? AS BIGINT))')
        .join(', ');
      const counters = perClient
        ? 't.client_id, t.requests, t.input_tokens, t.output_tokens'
        : COLUMNS.map(c => (grouped ? `SUM(t.${c}) AS ${c}` : `t.${c}`)).join(
            ', ',
          );
      const reached = grouped
        ? `HAVING SUM(t.requests) >= f.min_requests OR SUM(${tokens}) >= f.min_tokens`
        : `AND (t.requests >= f.min_requests OR ${tokens} >= f.min_tokens)`;
      const sql = `WITH f (publication_id, min_requests, min_tokens) AS (VALUES ${values})
        SELECT t.publication_id, t.${t.bucket} AS bucket, ${counters}
        FROM ${t.name} t JOIN f ON t.publication_id = f.publication_id
        WHERE t.${t.bucket} >= ? AND t.${t.bucket} < ?
        ${
          grouped
            ? `GROUP BY t.publication_id, t.${t.bucket}, f.min_requests, f.min_tokens ${reached}`
            : reached
        }`;
      const bindings = [
        ...part.flatMap(([id, f]) => [id, bound(f.requests), bound(f.tokens)]),
        range.from,
        range.to,
      ];
      const result = await this.db.raw(sql, bindings);
      // better-sqlite3 answers rows, pg a result object
      const rows: Record<string, unknown>[] = Array.isArray(result)
        ? result
        : result.rows;
      for (const r of rows) {
        out.push({
          publicationId: String(r.publication_id),
          clientId: perClient ? String(r.client_id) : '',
          bucket: Number(r.bucket),
          ...toCounters(r),
        });
      }
    }
    return out;
  }

  /**
   * Per publication and UTC day, the sums of the hours of an hour range (for the summary: its totals and
   * its sparklines); days without traffic are absent. Like byClient, whole days come from the daily rollup
   * (ordered by publication and day, so grouping needs no sort) and only the ragged ends from the hourly
   * totals: at most three grouped queries per 400 publications, however many publications there are.
   */
  async dailyTotalsByPublication(
    publicationIds: string[],
    range: BucketRange,
  ): Promise<Map<string, Map<number, Counters>>> {
    const firstDay = Math.ceil(range.from / 24);
    const endDay = Math.floor(range.to / 24);
    const hourly: BucketRange[] = [];
    let daily: BucketRange | undefined;
    if (endDay > firstDay) {
      daily = { from: firstDay, to: endDay };
      if (range.from < firstDay * 24)
        hourly.push({ from: range.from, to: firstDay * 24 });
      if (endDay * 24 < range.to)
        hourly.push({ from: endDay * 24, to: range.to });
    } else {
      hourly.push(range);
    }
    const out = new Map<string, Map<number, Counters>>();
    const add = (rows: Record<string, unknown>[]) => {
      for (const r of rows) {
        const id = String(r.publication_id);
        const days = out.get(id) ?? new Map<number, Counters>();
        const day = Number(r.day);
        const counters = toCounters(r);
        const seen = days.get(day);
        if (seen) for (const k of COUNTERS) seen[k] += counters[k];
        else days.set(day, counters);
        out.set(id, days);
      }
    };
    for (const ids of chunks(publicationIds)) {
      if (daily) {
        const q = this.db('usage_daily')
          .select('publication_id', 'day')
          .whereIn('publication_id', ids)
          .andWhere('day', '>=', daily.from)
          .andWhere('day', '<', daily.to)
          .groupBy('publication_id', 'day');
        for (const c of COLUMNS) q.sum({ [c]: c });
        add(await q);
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

  async getCollectedUntil(source: string): Promise<number | undefined> {
    const row = await this.db('usage_collector_state')
      .where({ source })
      .first();
    return row ? Number(row.collected_until_hour) : undefined;
  }

  async setCollectedUntil(source: string, hour: number): Promise<void> {
    await this.db('usage_collector_state')
      .insert({ source, collected_until_hour: hour })
      .onConflict('source')
      .merge();
  }

  /** Deletes rows older than the retention horizons (hours / days since the epoch, exclusive). */
  async prune(horizons: {
    hour: number;
    day: number;
    ingestHour: number;
  }): Promise<void> {
    await this.db('usage_hourly_source')
      .where('hour', '<', horizons.hour)
      .delete();
    await this.db('usage_hourly').where('hour', '<', horizons.hour).delete();
    await this.db('usage_hourly_total')
      .where('hour', '<', horizons.hour)
      .delete();
    await this.db('usage_daily').where('day', '<', horizons.day).delete();
    await this.db('usage_ingest_seen')
      .where('hour', '<', horizons.ingestHour)
      .delete();
  }
}
