import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/** The package's migrations directory (at the package root, beside src). */
export const migrationsDir = resolvePackagePath(
  '@model-publishing/plugin-model-publishing-backend',
  'migrations',
);

/** Brings the plugin's database to the latest schema. Safe to run from several replicas at once. */
export async function migrate(db: Knex): Promise<void> {
  await db.migrate.latest({ directory: migrationsDir });
}
