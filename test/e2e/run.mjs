// Browser end-to-end journeys against the portal started as the README starts it.
// Usage: node test/e2e/run.mjs [NN ...]  (part of scripts/test.sh; NN = journey numbers to run, default all).
// Screenshots: test-results/e2e/*.png; the portal's output: test-results/e2e/portal.log.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { startPortal, ROOT } from './portal.mjs';

const started = Date.now();
const portal = await startPortal();
console.log(
  `portal ready: backend ${(portal.backendReadyMs / 1000).toFixed(1)}s, app ${(
    portal.appReadyMs / 1000
  ).toFixed(1)}s after start`,
);
const dir = join(ROOT, 'test/e2e/journeys');
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter(
    f =>
      f.endsWith('.test.mjs') &&
      (only.length === 0 || only.some(n => f.startsWith(n))),
  )
  .sort()
  .map(f => join(dir, f));
let failed = false;
try {
  const stream = run({ files, concurrency: 1, timeout: 15 * 60_000 });
  stream.on('test:fail', () => (failed = true));
  const report = stream.compose(spec);
  report.pipe(process.stdout, { end: false });
  // Wait for the reporter, not just the run, so the failure details at the end are printed.
  await finished(report);
} finally {
  await portal.stop();
}
console.log(
  `e2e: ${failed ? 'FAILED' : 'passed'} in ${(
    (Date.now() - started) /
    1000
  ).toFixed(0)}s (portal start included)`,
);
process.exit(failed ? 1 : 0);
