import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';

/** PostgreSQL for tests: MP_TEST_POSTGRES_URL, else the local cluster CI starts on 127.0.0.1:5432. */
const PG_URL =
  process.env.MP_TEST_POSTGRES_URL ??
  'postgresql://postgres@127.0.0.1:5432/postgres';
const MIGRATIONS = path.resolve(__dirname, '../../../migrations');

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

/** SQLite always; PostgreSQL when reachable (required in CI, where its absence fails the run). */
export function keyTestDatabases(): ('sqlite' | 'postgres')[] {
  if (postgresReachable()) return ['sqlite', 'postgres'];
  if (process.env.CI === 'true') {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_URL}; CI must run the PostgreSQL tests`,
    );
  }
  return ['sqlite'];
}

/** A fresh database with every migration of the plugin applied; `close()` drops it. */
export async function createKeyTestDb(
  kind: 'sqlite' | 'postgres',
): Promise<{ db: Knex; close(): Promise<void> }> {
  if (kind === 'sqlite') {
    const db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    await db.raw('PRAGMA foreign_keys = ON');
    await db.migrate.latest({ directory: MIGRATIONS, loadExtensions: ['.js'] });
    return { db, close: () => db.destroy() };
  }
  const name = `mp_keys_test_${randomBytes(6).toString('hex')}`;
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
  await db.migrate.latest({ directory: MIGRATIONS, loadExtensions: ['.js'] });
  return {
    db,
    async close() {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    },
  };
}

/** Every row of every table, as one JSON string: for "no raw key anywhere" scans. */
export async function dumpAllTables(db: Knex): Promise<string> {
  const client = String(db.client.config.client);
  const tables: string[] = /sqlite/.test(client)
    ? (await db.raw(`SELECT name FROM sqlite_master WHERE type = 'table'`)).map(
        (r: { name: string }) => r.name,
      )
    : (
        await db.raw(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`,
        )
      ).rows.map((r: { table_name: string }) => r.table_name);
  const dump: Record<string, unknown[]> = {};
  for (const table of tables) dump[table] = await db(table).select();
  return JSON.stringify(dump);
}
