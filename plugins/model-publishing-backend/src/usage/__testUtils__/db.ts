import type { Knex } from 'knex';
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

async function runUsageMigration(db: Knex): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const migration = require('../../../migrations/20261126120000_usage.js');
  await migration.up(db);
}
