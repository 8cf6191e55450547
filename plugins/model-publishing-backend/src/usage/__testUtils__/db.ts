import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import knexFactory, { Knex } from 'knex';

/** PostgreSQL for tests: MP_TEST_POSTGRES_URL, else the local cluster CI starts on 127.0.0.1:5432. */
const PG_URL =
  process.env.MP_TEST_POSTGRES_URL ??
  'postgresql://postgres@127.0.0.1:5432/postgres';

function postgresReachable(): boolean {
  try {
    const url = new URL(PG_URL);
    execFileSync(
      'pg_isready',
      ['-q', '-h', url.hostname, '-p', url.port || '5432'],
      { timeout: 5000 },
    );
    return true;
  } catch {
    return false;
  }
}

/**
 * The databases usage tests run on: SQLite always, PostgreSQL when reachable. In CI a missing PostgreSQL
 * fails the run instead of silently skipping (design §7: both are tested in CI).
 */
export function usageTestDatabases(): ('sqlite' | 'postgres')[] {
  if (postgresReachable()) return ['sqlite', 'postgres'];
  if (process.env.CI === 'true') {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_URL}; CI must run the PostgreSQL tests`,
    );
  }
  // eslint-disable-next-line no-console
  console.warn(
    `notice: PostgreSQL not reachable at ${PG_URL}; usage store tests run on SQLite only`,
  );
  return ['sqlite'];
}

/** A fresh, migrated database with only the usage tables; `close()` drops it. */
export async function createUsageTestDb(
  kind: 'sqlite' | 'postgres',
): Promise<{ db: Knex; close(): Promise<void> }> {
  if (kind === 'sqlite') {
    const db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    await runUsageMigration(db);
    return { db, close: () => db.destroy() };
  }
  const name = `mp_usage_test_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({
    client: 'pg',
    connection: PG_URL,
    pool: { min: 0, max: 1 },
  });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const db = knexFactory({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 0, max: 4 },
  });
  await runUsageMigration(db);
  return {
    db,
    async close() {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    },
  };
}

async function runUsageMigration(db: Knex): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const migration = require('../../../migrations/20261126120000_usage.js');
  await migration.up(db);
}
