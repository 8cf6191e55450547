import { execFileSync } from 'node:child_process';

/**
 * Database tests run on SQLite and PostgreSQL (docs/design.md §7) through backend-test-utils' TestDatabases,
 * which reads BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING. Point it at the local PostgreSQL
 * (.ci/run starts one on 127.0.0.1:5432) when it is unset and answering; see src/__testUtils__/databases.ts.
 */
const ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const LOCAL = 'postgresql://postgres@127.0.0.1:5432';

if (!process.env[ENV] && process.env.MP_TEST_POSTGRES !== 'off') {
  try {
    execFileSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', '5432'], { timeout: 3000 });
    process.env[ENV] = LOCAL;
  } catch {
    // Left unset: src/__testUtils__/databases.ts reports the skip (or fails under CI=true).
  }
}
