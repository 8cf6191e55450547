/* eslint-disable no-console */
/**
 * Publish latency with 20 ms injected into every cluster request, as a multiple of one request's
 * latency (issue 4 goal: ≤ 3×, because independent objects are created concurrently and only the
 * route waits for them).
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs test/bench/publish-latency.bench.ts
 */
import knexFactory from 'knex';
import { startServices } from '../../plugins/model-publishing-backend/src/__testUtils__/services';
import { DEMO_MODELS } from '../../plugins/model-publishing-backend/src/__testUtils__/harness';

const INJECTED_MS = 20;
const RUNS = Number(process.env.RUNS ?? 25);

/**
 * The cluster's share of one publish, from the emulator's own request timings: how long at least one
 * request was in flight (the union of the requests' intervals). Concurrent requests count once, so
 * this is the sequential round trips the publish waits for. What is left of the publish's wall time is
 * ours: the saga, the database, the client. (The watch's own long-lived request is not in the list.)
 */
function clusterCriticalPath(requests: { durationMs: number; startTime: number }[]): number {
  const intervals = requests
    .map(r => [r.startTime, r.startTime + r.durationMs] as const)
    .sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let end = -Infinity;
  for (const [start, stop] of intervals) {
    if (start >= end) {
      busy += stop - start;
      end = stop;
    } else if (stop > end) {
      busy += stop - end;
      end = stop;
    }
  }
  return busy;
}

function pct(values: number[], p: number) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function main() {
  const db = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
  // As the plugin runs by default: with the InferenceService watch (WATCH=0 measures without it).
  const watchModels = process.env.WATCH !== '0';
  const s = await startServices(db, { watchModels });
  console.log(`InferenceService watch: ${watchModels ? 'on (default)' : 'off'}`);
  const op = { actor: 'user:default/bench' };
  const client = s.clusters.get('local');

  // Warm up: API discovery is cached per group version after the first call.
  for (const isvc of Object.values(DEMO_MODELS)) {
    await s.publishing.publish(s.model(isvc.metadata.name), { rateLimits: { requestsPerMinute: 60 } }, op);
    await s.publishing.unpublish(s.model(isvc.metadata.name), op);
  }
  // The same publishes with nothing injected: what the in-process emulator (schema + CEL validation)
  // and the database cost, so the injected part can be told apart from CPU on a busy machine.
  const baseline: Record<string, number> = {};
  for (const isvc of Object.values(DEMO_MODELS)) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await s.publishing.publish(s.model(isvc.metadata.name), { rateLimits: { requestsPerMinute: 60 } }, op);
      times.push(performance.now() - t);
      await s.publishing.unpublish(s.model(isvc.metadata.name), op);
    }
    baseline[isvc.metadata.name] = pct(times, 50);
  }
  s.emulator.faults.latency(INJECTED_MS);

  const single: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await client.get({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', namespace: 'models', name: 'sklearn-iris' });
    single.push(performance.now() - t);
  }
  const one = pct(single, 50);
  console.log(`one cluster request (p50, ${INJECTED_MS} ms injected): ${one.toFixed(1)} ms`);

  const variants = [
    ...Object.entries(DEMO_MODELS).map(([demo, isvc]) => ({ demo, isvc, config: { rateLimits: { requestsPerMinute: 60 } } })),
    // What the Publish form sends: a first key too (recorded in the database, put in the Secret).
    ...(['sklearn', 'vllm'] as const).map(demo => ({
      demo: `${demo}+key`,
      isvc: DEMO_MODELS[demo],
      config: { rateLimits: { requestsPerMinute: 60 }, firstKey: { name: 'bench' } },
    })),
  ];
  for (const { demo, isvc, config } of variants) {
    const times: number[] = [];
    const critical: number[] = [];
    let requests = 0;
    for (let i = 0; i < RUNS; i++) {
      s.emulator.requests.length = 0;
      const t = performance.now();
      await s.publishing.publish(s.model(isvc.metadata.name), config, op);
      times.push(performance.now() - t);
      requests = s.emulator.requests.length;
      critical.push(clusterCriticalPath(s.emulator.requests));
      s.emulator.faults.clear();
      await s.publishing.unpublish(s.model(isvc.metadata.name), op);
      s.emulator.faults.latency(INJECTED_MS);
    }
    const p50 = pct(times, 50);
    const p95 = pct(times, 95);
    const base = baseline[isvc.metadata.name];  // without a first key
    const path = pct(critical, 50);
    console.log(
      `publish ${demo.padEnd(12)} ${requests} cluster requests; p50 ${p50.toFixed(1)} ms = ${(p50 / one).toFixed(2)}× one request; p95 ${p95.toFixed(1)} ms = ${(p95 / one).toFixed(2)}×; ` +
        `0 ms injected p50 ${base.toFixed(1)} ms, so waiting on the cluster = ${((p50 - base) / INJECTED_MS).toFixed(2)}× the injected ${INJECTED_MS} ms; ` +
        `cluster critical path (server time with a request in flight) p50 ${path.toFixed(1)} ms = ${(path / one).toFixed(2)}×, ` +
        `leaving ${(p50 - path).toFixed(1)} ms for the publishing code, database and client`,
    );
  }
  await s.watches?.stop();
  await s.emulator.close();
  await db.destroy();
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
