// Browser end-to-end journeys against the portal started as the README starts it.
// Usage: node test/e2e/run.mjs  (part of scripts/test.sh). Screenshots: test-results/e2e/*.png.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startPortal, ROOT } from './portal.mjs';

const portal = await startPortal();
console.log(
  `portal ready: backend ${(portal.backendReadyMs / 1000).toFixed(1)}s, app ${(portal.appReadyMs / 1000).toFixed(1)}s after start`,
);
const dir = join(ROOT, 'test/e2e/journeys');
const files = readdirSync(dir).filter(f => f.endsWith('.test.mjs')).sort().map(f => join(dir, f));
let failed = false;
try {
  const stream = run({ files, concurrency: 1, timeout: 15 * 60_000 });
  stream.on('test:fail', () => (failed = true));
  stream.compose(spec).pipe(process.stdout);
  await new Promise(resolve => stream.on('close', resolve));
} finally {
  await portal.stop();
}
process.exit(failed ? 1 : 0);
