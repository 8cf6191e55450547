import fs from 'node:fs';
import type { Knex } from 'knex';
import { createTestDatabases, databaseIds } from '../__testUtils__/databases';
import { migrate, migrationsDir } from './migrate';

/**
 * The schema the migrations build, as each database describes it. Released migrations must keep building
 * exactly this: the snapshot was taken from them as released, so a change to a migration (or to a helper
 * they share) that alters a column, index, constraint or comment fails here.
 */
async function schemaOf(db: Knex): Promise<unknown> {
  if (db.client.config.client === 'pg') {
    const tables = `table_schema = current_schema() AND table_name NOT LIKE 'knex_%'`;
    const columns = await db.raw(
      `SELECT table_name, column_name, ordinal_position, data_type, character_maximum_length,
              numeric_precision, datetime_precision, is_nullable, column_default,
              col_description(format('%I', table_name)::regclass, ordinal_position) AS comment
         FROM information_schema.columns WHERE ${tables}
        ORDER BY table_name, ordinal_position`,
    );
    const indexes = await db.raw(
      `SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename NOT LIKE 'knex_%'
        ORDER BY tablename, indexname`,
    );
    const constraints = await db.raw(
      `SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition
         FROM pg_constraint
        WHERE connamespace = current_schema()::regnamespace AND conrelid::regclass::text NOT LIKE 'knex_%'
        ORDER BY 1, 2`,
    );
    return {
      columns: columns.rows,
      indexes: indexes.rows,
      constraints: constraints.rows,
    };
  }
  return db('sqlite_master')
    .select('type', 'name', 'tbl_name', 'sql')
    .whereNot('name', 'like', 'knex_%')
    .whereNot('name', 'like', 'sqlite_%')
    .orderBy(['type', 'name']);
}

async function tableNames(db: Knex): Promise<string[]> {
  const schema = (await schemaOf(db)) as any;
  const rows: { name?: string; table_name?: string }[] = Array.isArray(schema)
    ? schema
    : schema.columns;
  return [...new Set(rows.map(r => r.table_name ?? r.name ?? ''))];
}

describe('migrations', () => {
  const databases = createTestDatabases();

  it.each(databaseIds())(
    'build the released schema on %p, and roll back and forward again',
    async databaseId => {
      const db = await databases.init(databaseId);
      await migrate(db);
      const schema = await schemaOf(db);
      expect(schema).toMatchSnapshot();
      // Knex ran exactly the .js files directly in migrations/ (not the helpers in migrations/shared).
      expect(await db('knex_migrations').orderBy('id').pluck('name')).toEqual(
        fs
          .readdirSync(migrationsDir)
          .filter(name => name.endsWith('.js'))
          .sort(),
      );

      await db.migrate.rollback({ directory: migrationsDir }, true);
      expect(await tableNames(db)).toEqual([]);

      await migrate(db);
      expect(await schemaOf(db)).toEqual(schema);
    },
  );
});
