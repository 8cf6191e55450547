import type { Knex } from 'knex';
import { UsageService } from '../UsageService';
import { UsageStore } from '../UsageStore';
import {
  createScratchDatabase,
  ScratchDatabaseKind,
  scratchDatabaseKinds,
} from '../../__testUtils__/scratchDatabase';

/** The databases usage tests run on: SQLite always, PostgreSQL when reachable (required in CI). */
export function usageTestDatabases(): ScratchDatabaseKind[] {
  return scratchDatabaseKinds('usage store');
}

/** A fresh, migrated database with only the usage tables; `close()` drops it. */
export function createUsageTestDb(kind: ScratchDatabaseKind) {
  return createScratchDatabase(kind, {
    prefix: 'mp_usage_test',
    migrate: runUsageMigration,
  });
}

/** The usage store and service over `db`, with the documented defaults (ingest batch size overridable). */
export function usageServiceOn(
  db: Knex,
  options: { maxRecordsPerBatch?: number } = {},
) {
  const store = new UsageStore(db);
  const service = new UsageService(store, {
    retentionDays: 30,
    dailyRetentionDays: 400,
    ingest: {
      allowedSubjects: [],
      dedupeHours: 72,
      maxRecordsPerBatch: options.maxRecordsPerBatch ?? 10_000,
    },
  });
  return { store, service };
}

/** The usage migrations, in order (see migrations/). */
const USAGE_MIGRATIONS = [
  '20261126120000_usage.js',
  '20261205061500_usage_latency_costs.js',
  '20261205122000_usage_limit_notices.js',
  '20261205124500_usage_alert_indexes.js',
  '20261205133000_usage_daily_covering_indexes.js',
];

async function runUsageMigration(db: Knex): Promise<void> {
  for (const name of USAGE_MIGRATIONS) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const migration = require(`../../../migrations/${name}`);
    await migration.up(db);
  }
}
