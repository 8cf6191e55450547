import type { Knex } from 'knex';
import { LatencyStore } from './LatencyStore';

/**
 * Retention: hourly rows older than the hourly window go (their daily sums stay: the daily rollup is kept
 * up to date on every write; latency histograms are rolled up into days first), daily rows older than
 * the daily window go, and the ingest dedupe ids past their window.
 */
export class Retention {
  constructor(
    private readonly db: Knex,
    private readonly latency: LatencyStore,
  ) {}

  /** Deletes rows older than the horizons (hours / days since the epoch, exclusive). */
  async prune(horizons: {
    hour: number;
    day: number;
    ingestHour: number;
  }): Promise<void> {
    await this.latency.rollUp(horizons.hour);
    await this.latency.pruneDaily(horizons.day);
    for (const table of [
      'usage_hourly_source',
      'usage_hourly',
      'usage_hourly_total',
    ]) {
      await this.db(table).where('hour', '<', horizons.hour).delete();
    }
    for (const table of ['usage_daily', 'usage_daily_total'])
      await this.db(table).where('day', '<', horizons.day).delete();
    await this.db('usage_ingest_seen')
      .where('hour', '<', horizons.ingestHour)
      .delete();
  }

  /** Exclusive end hour of a pull source's last collection. */
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
}
