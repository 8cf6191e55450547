// Starts the portal the way the README does (scripts/start.sh) on fresh embedded defaults — a temporary data
// folder, so nothing from a developer's ./data leaks in — and stops it with its whole process group.
import { spawn } from 'node:child_process';
import {
  mkdtempSync,
  writeFileSync,
  mkdirSync,
  createWriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const APP_URL = 'http://localhost:3000';
export const BACKEND_URL = 'http://localhost:7007';
/** The local gateway (packages/gateway-emulator) that serves published models in the embedded portal. */
export const GATEWAY_URL = 'http://localhost:8080';
export const ARTIFACTS = join(ROOT, 'test-results', 'e2e');

async function waitFor(url, { timeoutMs, ok = r => r.ok, alive = () => true }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`the portal exited before ${url} answered`);
    try {
      const res = await fetch(url);
      if (ok(res)) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `${url} not ready after ${timeoutMs / 1000}s (last: ${last})`,
  );
}

/** True when something already answers on the URL's port (another portal would be tested instead of ours). */
async function inUse(url) {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch (e) {
    return e.cause?.code !== 'ECONNREFUSED';
  }
}

export async function startPortal() {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const url of [
    BACKEND_URL,
    APP_URL,
    'http://127.0.0.1:6443',
    GATEWAY_URL,
  ]) {
    if (await inUse(url)) {
      throw new Error(
        `${url} is already in use: stop the running portal first (the journeys start their own)`,
      );
    }
  }
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
      `  publisher: { type: local, local: { publishDirectory: ${join(
        dataDir,
        'techdocs',
      )} } }`,
      'kubeEmulator:',
      `  seed: ${join(ROOT, 'examples/cluster')}`,
      `  persistFile: ${join(dataDir, 'cluster.json')}`,
      'modelPublishing:',
      // The demo usage source is collected every 5 minutes by default; journeys look at usage right
      // after publishing, so the e2e portal collects every 15 seconds.
      '  usage:',
      '    collectEveryMinutes: 0.25',
      // Demo traffic through the local gateway every 5 s (30 s by default), so usage shows soon after publishing.
      'gatewayEmulator:',
      '  traffic: { intervalSeconds: 5 }',
      '',
    ].join('\n'),
  );
  const log = createWriteStream(join(ARTIFACTS, 'portal.log'));
  const started = Date.now();
  const child = spawn(
    'bash',
    [
      'scripts/start.sh',
      '--config',
      join(ROOT, 'app-config.yaml'),
      '--config',
      configFile,
    ],
    {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BROWSER: 'none' },
    },
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
    const alive = () => !exited;
    await waitFor(`${BACKEND_URL}/.backstage/health/v1/readiness`, {
      timeoutMs: 600_000,
      alive,
    });
    const backendReadyMs = Date.now() - started;
    await waitFor(APP_URL, { timeoutMs: 600_000, alive });
    const appReadyMs = Date.now() - started;
    return { stop, dataDir, backendReadyMs, appReadyMs };
  } catch (e) {
    await stop();
    throw new Error(`${e.message}; see ${join(ARTIFACTS, 'portal.log')}`);
  }
}
