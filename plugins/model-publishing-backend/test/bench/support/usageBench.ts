/**
 * What the usage benchmarks share (a folder of its own, so test/bench/run.mjs does not run it as one).
 */
import type { Knex } from 'knex';
import { createUsageTestDb } from '../../../src/usage/__testUtils__/db';

export { usageServiceOn } from '../../../src/usage/__testUtils__/db';

export type BenchDatabase = 'sqlite' | 'postgres';

/** The p-th percentile of ascending values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/**
 * Runs `bench` on SQLite (the embedded default), then on PostgreSQL when run with --pg (as run.mjs
 * does when one answers), each on a fresh database that is closed afterwards; exits 1 on failure.
 */
export function runOnDatabases(
  bench: (kind: BenchDatabase, db: Knex) => Promise<void>,
): void {
  const kinds: BenchDatabase[] = process.argv.includes('--pg')
    ? ['sqlite', 'postgres']
    : ['sqlite'];
  (async () => {
    for (const kind of kinds) {
      const { db, close } = await createUsageTestDb(kind);
      try {
        await bench(kind, db);
      } finally {
        await close();
      }
    }
  })().catch(error => {
    // eslint-disable-next-line no-console
    console.error(error);
    process.exit(1);
  });
}
