// Starts the portal the way the README does (scripts/start.sh) on fresh embedded defaults — a temporary data
// folder, so nothing from a developer's ./data leaks in — and stops it with its whole process group.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const APP_URL = 'http://localhost:3000';
export const BACKEND_URL = 'http://localhost:7007';
export const ARTIFACTS = join(ROOT, 'test-results', 'e2e');

async function waitFor(url, { timeoutMs, ok = r => r.ok }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (ok(res)) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`${url} not ready after ${timeoutMs / 1000}s (last: ${last})`);
}

export async function startPortal() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'mp-e2e-'));
  const configFile = join(dataDir, 'app-config.e2e.yaml');
  writeFileSync(
    configFile,
    [
      'backend:',
      '  database:',
      '    client: better-sqlite3',
      `    connection: { directory: ${join(dataDir, 'sqlite')} }`,
      'techdocs:',
      `  publisher: { type: local, local: { publishDirectory: ${join(dataDir, 'techdocs')} } }`,
      'modelPublishing:',
      '  clusters:',
      '    - name: local',
      '      emulator:',
      '        port: 6443',
      `        seed: ${join(ROOT, 'examples/cluster')}`,
      `        persistFile: ${join(dataDir, 'cluster.json')}`,
      '',
    ].join('\n'),
  );
  const log = createWriteStream(join(ARTIFACTS, 'portal.log'));
  const started = Date.now();
  const child = spawn(
    'bash',
    ['scripts/start.sh', '--config', 'app-config.yaml', '--config', configFile],
    { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BROWSER: 'none' } },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = async () => {
    if (exited) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
    await new Promise(r => setTimeout(r, 2000));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  };
  try {
    await waitFor(`${BACKEND_URL}/.backstage/health/v1/readiness`, { timeoutMs: 600_000 });
    const backendReadyMs = Date.now() - started;
    await waitFor(APP_URL, { timeoutMs: 600_000 });
    const appReadyMs = Date.now() - started;
    return { stop, dataDir, backendReadyMs, appReadyMs };
  } catch (e) {
    await stop();
    throw new Error(`${e.message}; see ${join(ARTIFACTS, 'portal.log')}`);
  }
}
