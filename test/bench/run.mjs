// Runs every benchmark of the repository one after another and prints their figures.
//   source scripts/env.sh && node test/bench/run.mjs [filter]
// Benchmarks live in test/bench (cross-package) and in a package's own test/bench (package-internal).
// TypeScript benchmarks run through Backstage's node transform, like the packages' own code.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const filter = process.argv[2];
const dirs = [
  join(root, 'test/bench'),
  ...['packages', 'plugins'].flatMap(top =>
    readdirSync(join(root, top), { withFileTypes: true })
      .filter(d => d.isDirectory())
      .map(d => join(root, top, d.name, 'test/bench')),
  ),
].filter(existsSync);

const benches = dirs.flatMap(dir =>
  readdirSync(dir)
    .filter(f => /\.(ts|mjs)$/.test(f) && f !== 'run.mjs' && !f.endsWith('.d.ts'))
    .map(f => join(dir, f)),
).filter(f => !filter || f.includes(filter));

const pgUp = spawnSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q']).status === 0;
let failed = 0;
for (const file of benches) {
  const args = file.endsWith('.ts')
    ? ['-r', '@backstage/cli/config/nodeTransform.cjs', file]
    : [file];
  if (pgUp) args.push('--pg');
  console.log(`\n=== ${relative(root, file)}${pgUp ? ' (SQLite and PostgreSQL)' : ''}`);
  const started = Date.now();
  const res = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  console.log(`--- ${((Date.now() - started) / 1000).toFixed(1)}s, exit ${res.status}`);
  if (res.status !== 0) failed++;
}
console.log(`\n${benches.length - failed}/${benches.length} benchmarks ran`);
process.exit(failed ? 1 : 0);
