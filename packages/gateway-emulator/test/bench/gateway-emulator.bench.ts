/*
 * How much the local gateway adds to a call on loopback, and how many calls per second it serves.
 * Goals (issue #16): ≤ 1 ms added at p50, ≥ 2,000 requests/s.
 *
 * Baseline: a plain Node HTTP server answering what the model server stub answers (one loopback hop).
 * Gateway: the same call through the gateway (route match, API-key auth, a Distinct rate-limit rule,
 * URL rewrite, the stub, an access-log record) — also one loopback hop, so the difference is the gateway.
 */
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { startEmulator } from '@model-publishing/kube-emulator';
import { kserveV1Stub, memoryAccessLog, startGateway } from '../../src';

const N = Number(process.env.BENCH_REQUESTS ?? 4000);
const body = JSON.stringify({ instances: [[0.2, 13.5, 1, 0, 42]] });

/** The load client runs in a worker thread, so it does not compete with the gateway for its event loop. */
const CLIENT = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { url, headers, concurrency, n, body } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
function post() {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, res => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}
(async () => {
  const times = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      next++;
      const t = performance.now();
      const status = await post();
      if (status !== 200) throw new Error('status ' + status);
      times.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  times.sort((a, b) => a - b);
  const pct = p => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
  parentPort.postMessage({ rps: times.length / seconds, p50: pct(50), p99: pct(99) });
})();
`;

function run(url: string, headers: Record<string, string>, concurrency: number, n = N): Promise<{ rps: number; p50: number; p99: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT, { eval: true, workerData: { url, headers, concurrency, n, body } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

async function main() {
  const stub = kserveV1Stub({ host: 'bench-predictor.bench', model: 'bench', latencyScale: 0 });
  const baseline = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', async () => {
      const a = await stub.handle({ method: 'POST', path: '/v1/models/bench:predict', query: new URLSearchParams(), headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(a.status, a.headers).end(a.body);
    });
  });
  await new Promise<void>(r => baseline.listen(0, '127.0.0.1', r));

  const emu = await startEmulator({ port: 0 });
  const kc = new KubeConfig();
  kc.loadFromString(emu.kubeconfigYaml);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: 'bench' } } });
  await core.createNamespacedSecret({ namespace: 'bench', body: { metadata: { name: 'keys' }, stringData: { 'key-1': 'bench-key' } } });
  const gv = { group: 'gateway.envoyproxy.io', version: 'v1alpha1', namespace: 'bench' };
  const target = { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'bench-mp' }] };
  await custom.createNamespacedCustomObject({ ...gv, plural: 'securitypolicies', body: { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'SecurityPolicy', metadata: { name: 'bench-mp' }, spec: { ...target, apiKeyAuth: { credentialRefs: [{ group: '', kind: 'Secret', name: 'keys' }], extractFrom: [{ headers: ['authorization', 'x-api-key'] }], forwardClientIDHeader: 'x-client-id', sanitize: true } } } });
  await custom.createNamespacedCustomObject({ ...gv, plural: 'backendtrafficpolicies', body: { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'BackendTrafficPolicy', metadata: { name: 'bench-mp' }, spec: { ...target, rateLimit: { global: { rules: [{ clientSelectors: [{ headers: [{ name: 'x-client-id', type: 'Distinct' }] }], limit: { requests: 1_000_000_000, unit: 'Hour' } }] } } } } });
  await custom.createNamespacedCustomObject({
    group: 'gateway.networking.k8s.io', version: 'v1', namespace: 'bench', plural: 'httproutes',
    body: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'bench-mp' }, spec: { parentRefs: [{ name: 'gw' }], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/models/bench/bench' } }], filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }], backendRefs: [{ name: 'bench-predictor', port: 80 }] }] } },
  });
  const log = memoryAccessLog();
  const gateway = await startGateway({ kubeConfig: kc, stubs: [stub], accessLog: [log.sink] });
  await gateway.waitFor(rs => rs.some(r => r.auth && r.rateLimitRules.length === 1));

  const direct = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}/v1/models/bench:predict`;
  const via = `${gateway.url}/models/bench/bench/v1/models/bench:predict`;
  const key = { authorization: 'Bearer bench-key' };
  await run(direct, {}, 4, 500); // warm-up
  await run(via, key, 4, 500);
  const line = (name: string, r: { rps: number; p50: number; p99: number }) =>
    console.log(`${name.padEnd(22)} n=${N}  ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(3)} ms  p99 ${r.p99.toFixed(3)} ms`);
  const d1 = await run(direct, {}, 1);
  const g1 = await run(via, key, 1);
  const d8 = await run(direct, {}, 8);
  const g8 = await run(via, key, 8);
  line('direct c=1', d1);
  line('gateway c=1', g1);
  line('direct c=8', d8);
  line('gateway c=8', g8);
  const added = g1.p50 - d1.p50;
  console.log(`added by the gateway at p50 (c=1): ${added.toFixed(3)} ms   goal ≤ 1 ms   ${added <= 1 ? 'MET' : 'NOT MET'}`);
  console.log(`gateway throughput (c=8): ${g8.rps.toFixed(0)} req/s   goal ≥ 2000 req/s   ${g8.rps >= 2000 ? 'MET' : 'NOT MET'}`);
  console.log(`access-log records written: ${log.records.length}`);
  await gateway.close();
  await emu.close();
  baseline.close();
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
