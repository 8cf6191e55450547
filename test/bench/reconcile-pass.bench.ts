/* eslint-disable no-console */
/**
 * One reconcile pass with 1,000 publications (issue 22 goal: cluster requests per pass ≤ 1 list per
 * kind, no GET per publication), its wall time, and the same with 20 ms injected into every cluster
 * request. Before issue 22 a pass sent 6 requests per publication, one at a time (5,653 at 1,000).
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs test/bench/reconcile-pass.bench.ts
 *   PUBLICATIONS=200 node -r ... test/bench/reconcile-pass.bench.ts   (quicker)
 *
 * The emulator runs in this process: on a loaded machine the times include its CPU (schema checks,
 * JSON) and other people's work; the request counts do not depend on load.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import YAML from 'yaml';
import {
  startEmulator,
  type RecordedRequest,
} from '@model-publishing/kube-emulator';
import { sklearnV1, xgboostV2 } from '@model-publishing/model-fixtures';
import { startServices } from '../../plugins/model-publishing-backend/src/__testUtils__/services';
import {
  CLUSTER,
  seedPaths,
} from '../../plugins/model-publishing-backend/src/__testUtils__/harness';
import { MANAGED_KINDS } from '../../plugins/model-publishing-backend/src/publishing/objects';

const PUBLICATIONS = Number(process.env.PUBLICATIONS ?? 1000);
const NAMESPACES = Number(process.env.NAMESPACES ?? 20);
const INJECTED_MS = 20;
const CONCURRENT_PUBLISHES = 8;
/** The labelled kinds, InferenceService, LLMInferenceService, ServingRuntime, ClusterServingRuntime. */
const KINDS = MANAGED_KINDS.length + 4;

const ready = {
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      lastTransitionTime: '2026-11-01T00:00:00Z',
    },
  ],
};

/** Seed: namespaces bench-NN and PUBLICATIONS Ready models over them (sklearn, and xgboost naming a runtime). */
function benchSeed(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-bench-seed-'));
  const docs: unknown[] = [];
  for (let n = 0; n < NAMESPACES; n++)
    docs.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns(n) },
    });
  for (let i = 0; i < PUBLICATIONS; i++) {
    const base = i % 2 ? xgboostV2 : sklearnV1;
    const { uid: _uid, ...metadata } = base.metadata;
    docs.push({
      apiVersion: base.apiVersion,
      kind: base.kind,
      metadata: {
        ...metadata,
        name: modelName(i),
        namespace: ns(i % NAMESPACES),
      },
      spec: base.spec,
      status: ready,
    });
  }
  fs.writeFileSync(
    path.join(dir, 'bench.yaml'),
    docs.map(d => YAML.stringify(d)).join('---\n'),
  );
  return dir;
}

function ns(n: number) {
  return `bench-${String(n).padStart(2, '0')}`;
}
function modelName(i: number) {
  return `model-${String(i).padStart(4, '0')}`;
}

function isDiscovery(p: string) {
  return /^\/api(\/[^/]+)?$|^\/apis(\/[^/]+){0,2}$/.test(p);
}

/** Requests of one pass: lists (first pages, and continue pages), reads by name, writes. */
function classify(requests: RecordedRequest[]) {
  const api = requests.filter(r => !isDiscovery(r.path));
  const gets = api.filter(r => r.method === 'GET');
  // A named read ends in /namespaces/{ns}/{plural}/{name} (or a cluster-scoped /{plural}/{name}).
  const named = gets.filter(
    r =>
      /\/namespaces\/[^/]+\/[^/]+\/[^/]+$/.test(r.path) ||
      /clusterservingruntimes\/[^/]+$/.test(r.path),
  );
  const listRequests = gets.filter(r => !named.includes(r));
  const lists = listRequests.filter(r => !r.query.includes('continue='));
  const perKind = new Map<string, number>();
  for (const l of lists) perKind.set(l.path, (perKind.get(l.path) ?? 0) + 1);
  return {
    total: requests.length,
    discovery: requests.length - api.length,
    lists: lists.length,
    listPages: listRequests.length,
    maxListsPerKind: Math.max(0, ...perKind.values()),
    named: named.length,
    writes: api.filter(r => r.method !== 'GET').length,
  };
}

function verdict(ok: boolean) {
  return ok ? 'met' : 'NOT met';
}

async function main() {
  const seed = benchSeed();
  const emulator = await startEmulator({ seed: [seedPaths(), seed] });
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  const s = await startServices(db, { emulator });
  const op = { actor: 'user:default/bench' };

  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENT_PUBLISHES }, async () => {
      for (let i = next++; i < PUBLICATIONS; i = next++) {
        await s.publishing.publish(
          {
            ...s.model(modelName(i)),
            namespace: ns(i % NAMESPACES),
            entityRef: `component:default/${modelName(i)}`,
          },
          { rateLimits: { requestsPerMinute: 60 } },
          op,
        );
      }
    }),
  );
  console.log(
    `set-up: ${PUBLICATIONS} publications over ${NAMESPACES} namespaces in ${(
      (performance.now() - t0) /
      1000
    ).toFixed(1)} s`,
  );

  // Warm-up pass: API discovery is cached per group version after the first call.
  const warm = await s.reconciler.run();
  if (warm.degraded.length || warm.errors.length)
    throw new Error(
      `warm-up pass found drift: ${JSON.stringify(warm).slice(0, 500)}`,
    );

  const pass = async (label: string) => {
    emulator.requests.length = 0;
    const t = performance.now();
    const report = await s.reconciler.run();
    const ms = performance.now() - t;
    const c = classify(emulator.requests);
    const goal =
      c.maxListsPerKind <= 1 &&
      c.lists <= KINDS &&
      c.named <= (report.degraded.length ? 12 : 0);
    console.log(
      `${label}: ${ms.toFixed(0)} ms; ${c.total} cluster requests = ${
        c.lists
      } lists (${c.listPages} pages of ≤ 500, at most ${
        c.maxListsPerKind
      } per kind) + ${c.named} reads by name + ${c.writes} writes + ${
        c.discovery
      } discovery; ` +
        `degraded ${report.degraded.length}, errors ${report.errors.length}`,
    );
    console.log(
      `  goal: ≤ 1 list per kind (${KINDS} kinds), no read per publication (only for what differs) — ${verdict(
        goal,
      )}`,
    );
    return { ms, c };
  };

  const fast = await pass(
    `pass, ${PUBLICATIONS} publications, nothing injected`,
  );
  emulator.faults.latency(INJECTED_MS);
  const slow = await pass(
    `pass, ${PUBLICATIONS} publications, ${INJECTED_MS} ms per request`,
  );
  console.log(
    `  waiting on the cluster: ${(slow.ms - fast.ms).toFixed(0)} ms = ${(
      (slow.ms - fast.ms) /
      INJECTED_MS
    ).toFixed(1)} round trips (the lists go concurrently); ` +
      `before issue 22: ${6 * PUBLICATIONS} requests in sequence, ≥ ${(
        (6 * PUBLICATIONS * INJECTED_MS) /
        1000
      ).toFixed(0)} s`,
  );

  // One object removed out of band: only that publication is read live.
  const spType = emulator.validator.registry.forKind(
    'gateway.envoyproxy.io/v1alpha1',
    'SecurityPolicy',
  )!;
  emulator.api.delete(spType, ns(7 % NAMESPACES), `${modelName(7)}-mp`);
  await pass(
    `pass with one SecurityPolicy deleted out of band, ${INJECTED_MS} ms per request`,
  );
  emulator.faults.clear();

  console.log(
    `(cluster '${CLUSTER}' is the in-process emulator; times on a loaded machine are not representative, request counts are)`,
  );
  await emulator.close();
  await db.destroy();
  fs.rmSync(seed, { recursive: true, force: true });
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
