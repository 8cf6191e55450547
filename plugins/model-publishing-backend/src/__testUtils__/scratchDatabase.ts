import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import knexFactory, { Knex } from 'knex';

/** PostgreSQL for tests: MP_TEST_POSTGRES_URL, else the local cluster CI starts on 127.0.0.1:5432. */
const PG_URL =
  process.env.MP_TEST_POSTGRES_URL ??
  'postgresql://postgres@127.0.0.1:5432/postgres';

export type ScratchDatabaseKind = 'sqlite' | 'postgres';

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
 * The databases a store's tests run on: SQLite always, PostgreSQL when reachable. In CI a missing
 * PostgreSQL fails the run instead of silently skipping (docs/design.md §7: both are tested in CI).
 */
export function scratchDatabaseKinds(what: string): ScratchDatabaseKind[] {
  if (postgresReachable()) return ['sqlite', 'postgres'];
  if (process.env.CI === 'true') {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_URL}; CI must run the PostgreSQL tests`,
    );
  }
  // eslint-disable-next-line no-console
  console.warn(
    `notice: PostgreSQL not reachable at ${PG_URL}; ${what} tests run on SQLite only`,
  );
  return ['sqlite'];
}

/**
 * A fresh database (in-memory SQLite, or a new PostgreSQL database) prepared by `migrate`;
 * `close()` drops it. For store tests and benchmarks that need plain Knex rather than a backend.
 */
export async function createScratchDatabase(
  kind: ScratchDatabaseKind,
  options: { prefix: string; migrate: (db: Knex) => Promise<void> },
): Promise<{ db: Knex; close(): Promise<void> }> {
  if (kind === 'sqlite') {
    const db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    await options.migrate(db);
    return { db, close: () => db.destroy() };
  }
  const name = `${options.prefix}_${randomBytes(6).toString('hex')}`;
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
  await options.migrate(db);
  return {
    db,
    async close() {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    },
  };
}
