import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';

const PG_ID: TestDatabaseId = 'POSTGRES_15';
const PG_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

let noticed = false;

/**
 * The database ids every store test runs on: SQLite always, PostgreSQL when src/setupTests.ts found
 * one. Under CI=true a missing PostgreSQL fails the run instead of silently skipping.
 */
export function databaseIds(): TestDatabaseId[] {
  if (process.env[PG_ENV]) return ['SQLITE_3', PG_ID];
  if (process.env.CI === 'true') {
    throw new Error(
      `PostgreSQL is required under CI=true: nothing answers on 127.0.0.1:5432 and ${PG_ENV} is unset`,
    );
  }
  if (!noticed) {
    noticed = true;
    // eslint-disable-next-line no-console
    console.warn(`notice: PostgreSQL not reachable and ${PG_ENV} unset; database tests run on SQLite only`);
  }
  return ['SQLITE_3'];
}

export function createTestDatabases(): TestDatabases {
  return TestDatabases.create({ ids: databaseIds(), disableDocker: true });
}
