import type { Knex } from 'knex';
import type { LatencyMetric } from '@model-publishing/plugin-model-publishing-common';
import type { LatencyRow } from '../types';
import { Histogram, INF_LE } from '../latency';
import { BucketRange, splitHourRange } from './sql';

export function latencyDbRow(row: LatencyRow, source: string) {
  return {
    publication_id: row.publicationId,
    client_id: row.clientId,
    hour: row.hour,
    source,
    metric: row.metric,
    le: row.le === Infinity ? INF_LE : row.le,
    count: row.count,
  };
}

/** Histograms by client id ('' = the whole publication when not grouped), source and metric. */
export type LatencyHistograms = Map<
  string,
  Map<string, Map<LatencyMetric, Histogram>>
>;

/**
 * Reads latency histograms summed over a range, and rolls hourly histograms past the retention window up
 * into days.
 */
export class LatencyStore {
  constructor(private readonly db: Knex) {}

  /**
   * A publication's histograms over an hour range, per client id when `perClient`, else for the whole
   * publication (under ''). Hours still kept come from the hourly table; days rolled up past retention
   * from the daily one (whole days inside the range only: they cannot be split).
   */
  async histograms(
    publicationId: string,
    range: BucketRange,
    perClient: boolean,
  ): Promise<LatencyHistograms> {
    const out: LatencyHistograms = new Map();
    const add = (rows: Record<string, unknown>[]) => {
      for (const r of rows) {
        const client = perClient ? String(r.client_id) : '';
        const bySource = out.get(client) ?? new Map();
        out.set(client, bySource);
        const byMetric: Map<LatencyMetric, Histogram> =
          bySource.get(String(r.source)) ?? new Map();
        bySource.set(String(r.source), byMetric);
        const metric = String(r.metric) as LatencyMetric;
        const h = byMetric.get(metric) ?? new Map<number, number>();
        byMetric.set(metric, h);
        const le = Number(r.le) >= INF_LE ? Infinity : Number(r.le);
        h.set(le, (h.get(le) ?? 0) + Number(r.count));
      }
    };
    const group = perClient
      ? ['client_id', 'source', 'metric', 'le']
      : ['source', 'metric', 'le'];
    // Bucket counts of [from, to) in one rollup: hours of the hourly, whole days of the daily.
    const sum = (
      table: string,
      unit: 'hour' | 'day',
      from: number,
      to: number,
    ) =>
      this.db(table)
        .select(...group)
        .sum({ count: 'count' })
        .where('publication_id', publicationId)
        .andWhere(unit, '>=', from)
        .andWhere(unit, '<', to)
        .groupBy(group);
    add(await sum('usage_latency_hourly', 'hour', range.from, range.to));
    const { daily } = splitHourRange(range);
    if (daily)
      add(await sum('usage_latency_daily', 'day', daily.from, daily.to));
    return out;
  }

  /**
   * Moves hourly histograms older than `beforeHour` into the daily table (adding to what is there), in
   * the transaction that deletes them: every hour is rolled up exactly once.
   */
  async rollUp(beforeHour: number): Promise<void> {
    await this.db.transaction(async tx => {
      await tx.raw(
        `INSERT INTO usage_latency_daily (publication_id, client_id, day, source, metric, le, count)
         SELECT publication_id, client_id, hour / 24, source, metric, le, SUM(count)
         FROM usage_latency_hourly WHERE hour < ?
         GROUP BY publication_id, client_id, hour / 24, source, metric, le
         ON CONFLICT (publication_id, day, client_id, source, metric, le)
         DO UPDATE SET count = usage_latency_daily.count + excluded.count`,
        [beforeHour],
      );
      await tx('usage_latency_hourly').where('hour', '<', beforeHour).delete();
    });
  }

  /** Deletes daily histograms older than `beforeDay`. */
  async pruneDaily(beforeDay: number): Promise<void> {
    await this.db('usage_latency_daily').where('day', '<', beforeDay).delete();
  }
}
