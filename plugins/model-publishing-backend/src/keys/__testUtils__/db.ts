import path from 'node:path';
import type { Knex } from 'knex';
import {
  createScratchDatabase,
  ScratchDatabaseKind,
  scratchDatabaseKinds,
} from '../../__testUtils__/scratchDatabase';

const MIGRATIONS = path.resolve(__dirname, '../../../migrations');

/** SQLite always; PostgreSQL when reachable (required in CI, where its absence fails the run). */
export function keyTestDatabases(): ScratchDatabaseKind[] {
  return scratchDatabaseKinds('key store');
}

/** A fresh database with every migration of the plugin applied; `close()` drops it. */
export function createKeyTestDb(kind: ScratchDatabaseKind) {
  return createScratchDatabase(kind, {
    prefix: 'mp_keys_test',
    async migrate(db) {
      if (kind === 'sqlite') await db.raw('PRAGMA foreign_keys = ON');
      await db.migrate.latest({
        directory: MIGRATIONS,
        loadExtensions: ['.js'],
      });
    },
  });
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
