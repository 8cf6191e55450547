import type { Knex } from 'knex';
import { AlertScan } from './store/AlertScan';
import { LatencyStore } from './store/LatencyStore';
import { Retention } from './store/Retention';
import { RollupReader } from './store/RollupReader';
import { RollupWriter } from './store/RollupWriter';

export type { BucketRange } from './store/sql';
export type { CounterRow, Floors, PublicationFloors } from './store/AlertScan';
export type {
  ChargebackKeySums,
  ChargebackPrices,
  ChargebackSums,
} from './store/RollupReader';
export type { LastUse } from './store/RollupWriter';

/**
 * The usage tables (migrations 20261126120000, 20261205061500), one part per job; SQLite and PostgreSQL
 * (ON CONFLICT upserts work on both).
 */
export class UsageStore {
  /** Source rows, merged rollups and last use. */
  readonly writer: RollupWriter;
  /** Series, per-key totals, daily totals, client days, last use. */
  readonly reader: RollupReader;
  /** Quota-alert candidates and counts. */
  readonly alerts: AlertScan;
  /** Latency histograms. */
  readonly latency: LatencyStore;
  /** Pruning and roll-up past retention; pull sources' collection marks. */
  readonly retention: Retention;

  constructor(db: Knex) {
    this.writer = new RollupWriter(db);
    this.reader = new RollupReader(db);
    this.alerts = new AlertScan(db);
    this.latency = new LatencyStore(db);
    this.retention = new Retention(db, this.latency);
  }
}
