import type { Knex } from 'knex';
import { HourRow, LatencyRow } from '../types';
import { chunks, COLUMNS, isPostgres, toDbRow } from './sql';
import { latencyDbRow } from './LatencyStore';

export interface LastUse {
  publicationId: string;
  clientId: string;
  ms: number;
}

/**
 * Writes usage: what each source reported per hour, the merged rollups the reports read (hourly, hourly
 * totals with the busiest key of each hour, daily) and each client's last use.
 */
export class RollupWriter {
  constructor(private readonly db: Knex) {}

  /**
   * Replaces what `source` reported for each row's (publication, client, hour) — counters and latency
   * buckets — refreshes the merged rollups and moves the clients' last use forward, in one transaction: a
   * reader never sees traffic without its use.
   */
  async replaceSourceHours(
    source: string,
    rows: HourRow[],
    lastUsed: LastUse[] = [],
    latency: LatencyRow[] = [],
  ): Promise<void> {
    if (rows.length === 0 && lastUsed.length === 0 && latency.length === 0)
      return;
    await this.db.transaction(async tx => {
      await this.lockPublications(
        tx,
        rows.map(r => r.publicationId),
      );
      await this.writeSourceRows(tx, source, { rows, latency }, 'replace');
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
      lastUsed: LastUse[];
      latency?: LatencyRow[];
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
      const { rows, lastUsed, latency = [] } = build(fresh);
      await this.writeSourceRows(tx, source, { rows, latency }, 'add');
      if (rows.length > 0) await this.refreshMerged(tx, rows);
      await this.touchLastUsed(lastUsed, tx);
      return { fresh: fresh.size };
    });
  }

  /**
   * Writes a source's hourly counters and latency buckets. `replace` puts the reported figures in place of
   * what the hour had (a pull re-reports whole hours); `add` adds them (access-log records, each new one
   * counted once).
   */
  private async writeSourceRows(
    tx: Knex.Transaction,
    source: string,
    data: { rows: HourRow[]; latency: LatencyRow[] },
    how: 'replace' | 'add',
  ): Promise<void> {
    const sum = (table: string, column: string) =>
      tx.raw('?? + ??', [`${table}.${column}`, `excluded.${column}`]);
    for (const part of chunks(data.rows)) {
      const upsert = tx('usage_hourly_source')
        .insert(part.map(r => ({ ...toDbRow(r), source })))
        .onConflict(['publication_id', 'hour', 'client_id', 'source']);
      await (how === 'replace'
        ? upsert.merge(COLUMNS)
        : upsert.merge(
            Object.fromEntries(
              COLUMNS.map(c => [c, sum('usage_hourly_source', c)]),
            ),
          ));
    }
    for (const part of chunks(data.latency)) {
      const upsert = tx('usage_latency_hourly')
        .insert(part.map(r => latencyDbRow(r, source)))
        .onConflict([
          'publication_id',
          'hour',
          'client_id',
          'source',
          'metric',
          'le',
        ]);
      await (how === 'replace'
        ? upsert.merge(['count'])
        : upsert.merge({ count: sum('usage_latency_hourly', 'count') }));
    }
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
    if (!isPostgres(tx)) return;
    for (const id of [...new Set(publicationIds)].sort()) {
      await tx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [
        `model-publishing/usage/${id}`,
      ]);
    }
  }

  /** Moves each client's last-used time forward (never back). */
  async touchLastUsed(
    entries: LastUse[],
    db: Knex | Knex.Transaction = this.db,
  ): Promise<void> {
    const latest = new Map<string, LastUse>();
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

  /**
   * Recomputes merged hourly rows (max per counter across sources), the hourly totals (with the busiest
   * key's requests and tokens), the daily sums they feed and the publication's daily totals.
   */
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
    const setExcluded = (columns: string[]) =>
      columns.map(c => `${c} = excluded.${c}`).join(', ');
    const totalColumns = [...COLUMNS, 'max_key_requests', 'max_key_tokens'];
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
           ON CONFLICT (publication_id, hour, client_id) DO UPDATE SET ${setExcluded(
             COLUMNS,
           )}`,
          [publicationId, span.min, span.max, ...clients],
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
           ON CONFLICT (publication_id, day, client_id) DO UPDATE SET ${setExcluded(
             COLUMNS,
           )}`,
          [publicationId, dayFrom * 24, (dayTo + 1) * 24, ...clients],
        );
      }
      await tx.raw(
        `INSERT INTO usage_hourly_total (publication_id, hour, ${totalColumns.join(
          ', ',
        )})
         SELECT publication_id, hour, ${COLUMNS.map(c => `SUM(${c})`).join(
           ', ',
         )}, MAX(requests), MAX(input_tokens + output_tokens)
         FROM usage_hourly
         WHERE publication_id = ? AND hour >= ? AND hour <= ?
         GROUP BY publication_id, hour
         ON CONFLICT (publication_id, hour) DO UPDATE SET ${setExcluded(
           totalColumns,
         )}`,
        [publicationId, span.min, span.max],
      );
      await tx.raw(
        `INSERT INTO usage_daily_total (publication_id, day, ${COLUMNS.join(
          ', ',
        )})
         SELECT publication_id, day, ${COLUMNS.map(c => `SUM(${c})`).join(', ')}
         FROM usage_daily
         WHERE publication_id = ? AND day >= ? AND day <= ?
         GROUP BY publication_id, day
         ON CONFLICT (publication_id, day) DO UPDATE SET ${setExcluded(
           COLUMNS,
         )}`,
        [publicationId, dayFrom, dayTo],
      );
    }
  }
}
