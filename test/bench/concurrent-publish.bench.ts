/* eslint-disable no-console */
/**
 * 100 concurrent publishes of different models (issue 22) on two backend instances (replicas) sharing
 * one PostgreSQL, with their reconcilers running every second and 20 ms injected into every cluster
 * request. Goals: every publish succeeds (201); the cluster client's concurrency limit holds (cluster
 * requests in flight at once ≤ 2 instances × modelPublishing.maxConcurrentClusterRequests); no
 * duplicate work (each object created exactly once: no create answered 409 AlreadyExists, no reconciler
 * write); p50/p95 of the publishes printed. Needs PostgreSQL on 127.0.0.1:5432 (or
 * MP_BENCH_POSTGRES_URL); without it, one instance on SQLite.
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs test/bench/concurrent-publish.bench.ts
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fn } from 'jest-mock';
import knexFactory, { Knex } from 'knex';
import { mockCredentials } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { startEmulator } from '@model-publishing/kube-emulator';
import { LABEL_PUBLICATION } from '@model-publishing/plugin-model-publishing-common';
import {
  entityFor,
  NAMESPACE,
  seedPaths,
  startPluginHarness,
  type PluginHarness,
} from '../../plugins/model-publishing-backend/src/__testUtils__/harness';
import * as isvcs from '../../plugins/model-publishing-backend/src/models/__testUtils__/inferenceServices';

const MODELS = Number(process.env.MODELS ?? 100);
const LIMIT = Number(process.env.LIMIT ?? 8);
const INJECTED_MS = Number(process.env.INJECTED_MS ?? 20);
const PG_URL =
  process.env.MP_BENCH_POSTGRES_URL ??
  'postgresql://postgres@127.0.0.1:5432/postgres';

function pct(values: number[], p: number) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Most requests in flight at one time, from the emulator's own start times and durations. */
function peakInFlight(requests: { startTime: number; durationMs: number }[]) {
  const events = requests.flatMap(r => [
    [r.startTime, 1] as const,
    [r.startTime + r.durationMs, -1] as const,
  ]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of events) {
    now += d;
    peak = Math.max(peak, now);
  }
  return peak;
}

function pgUp() {
  try {
    execFileSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q']);
    return true;
  } catch {
    return false;
  }
}

// The test harness builds its permission and catalog doubles with Backstage's service mocks, which
// call jest.fn(); outside jest, jest-mock's is the same function.
(globalThis as any).jest = { fn };

async function main() {
  const names = Array.from({ length: MODELS }, (_, i) => `bench-${i}`);
  const emulator = await startEmulator({
    seed: seedPaths(
      names.map(name => ({
        ...isvcs.sklearnV1,
        metadata: { ...isvcs.sklearnV1.metadata, name },
      })),
    ),
  });
  const dbs: Knex[] = [];
  const harnesses: PluginHarness[] = [];
  const shared = {
    emulator,
    entities: [...names, 'sklearn-iris'].map(n => entityFor(n)),
    config: {
      maxConcurrentClusterRequests: LIMIT,
      reconciler: { enabled: true, frequency: { seconds: 1 } },
    },
    extraFeatures: [schedulerServiceFactory],
  };
  const pg = pgUp();
  let database: string | undefined;
  try {
    if (pg) {
      const admin = knexFactory({ client: 'pg', connection: PG_URL });
      database = `mp_bench_publish_${Date.now()}`;
      await admin.raw(`CREATE DATABASE ${database}`);
      await admin.destroy();
      const url = new URL(PG_URL);
      url.pathname = `/${database}`;
      for (let i = 0; i < 2; i++) {
        const db = knexFactory({ client: 'pg', connection: url.toString() });
        dbs.push(db);
        harnesses.push(await startPluginHarness({ ...shared, knex: db }));
      }
    } else {
      harnesses.push(await startPluginHarness(shared));
    }
    console.log(
      `${harnesses.length} instance(s) on ${
        pg ? 'one PostgreSQL' : 'SQLite (no PostgreSQL answered)'
      }, reconcilers every 1 s, ${INJECTED_MS} ms injected per cluster request, client limit ${LIMIT} per instance`,
    );
    const auth = {
      Authorization: mockCredentials.user.header('user:default/alice'),
    };
    // Warm-up on one model (API discovery), then unpublish it: the measured run starts clean.
    const warm = await harnesses[0].request
      .post(
        `/api/model-publishing/models/default/${NAMESPACE}/sklearn-iris/publication`,
      )
      .set(auth)
      .send({ rateLimits: { requestsPerMinute: 60 } });
    if (warm.status !== 201)
      throw new Error(`warm-up: ${warm.status} ${JSON.stringify(warm.body)}`);
    await harnesses[0].request
      .delete(
        `/api/model-publishing/models/default/${NAMESPACE}/sklearn-iris/publication`,
      )
      .set(auth);

    emulator.faults.latency(INJECTED_MS);
    emulator.requests.length = 0;
    const started = performance.now();
    const results = await Promise.all(
      names.map(async (name, i) => {
        const t = performance.now();
        const res = await harnesses[i % harnesses.length].request
          .post(
            `/api/model-publishing/models/default/${NAMESPACE}/${name}/publication`,
          )
          .set(auth)
          .send({ rateLimits: { requestsPerMinute: 60 } });
        return {
          status: res.status,
          ms: performance.now() - t,
          body: res.body,
        };
      }),
    );
    const wall = performance.now() - started;
    // Two more reconciler intervals under the finished load: they must find nothing to do.
    await new Promise(r => setTimeout(r, 3000));
    emulator.faults.clear();

    const ok = results.filter(r => r.status === 201).length;
    const times = results.map(r => r.ms);
    const requests = emulator.requests.filter(
      r => !/[?&]watch=/.test(r.path) && r.durationMs < 60_000,
    );
    const peak = peakInFlight(requests);
    const creates = requests.filter(r => r.method === 'POST');
    const created = creates.filter(r => r.status === 201).length;
    const conflicts = creates.filter(r => r.status === 409).length;
    const otherWrites = requests.filter(r =>
      ['PUT', 'PATCH', 'DELETE'].includes(r.method),
    ).length;
    const objects = (await harnesses[0].labelledObjects()).filter(o =>
      results.some(
        r => r.body?.publication?.id === o.labels[LABEL_PUBLICATION],
      ),
    );
    const perPublication = new Map<string, number>();
    for (const o of objects)
      perPublication.set(
        o.labels[LABEL_PUBLICATION],
        (perPublication.get(o.labels[LABEL_PUBLICATION]) ?? 0) + 1,
      );
    const limitHolds = peak <= LIMIT * harnesses.length;
    const noDuplicates =
      conflicts === 0 &&
      created === objects.length &&
      [...perPublication.values()].every(n => n === 4);
    const failures = results.filter(r => r.status !== 201);
    console.log(
      `${MODELS} concurrent publishes: ${ok} succeeded (goal all: ${
        ok === MODELS ? 'met' : 'NOT met'
      })${
        failures.length
          ? `; first failure ${failures[0].status} ${JSON.stringify(
              failures[0].body,
            ).slice(0, 200)}`
          : ''
      }; p50 ${pct(times, 50).toFixed(0)} ms, p95 ${pct(times, 95).toFixed(
        0,
      )} ms, all done in ${wall.toFixed(0)} ms`,
    );
    console.log(
      `cluster requests in flight at most ${peak} (goal ≤ ${
        LIMIT * harnesses.length
      } = ${harnesses.length} × ${LIMIT}: ${limitHolds ? 'met' : 'NOT met'})`,
    );
    console.log(
      `duplicate work: ${created} objects created for ${
        perPublication.size
      } publications (4 each), ${conflicts} creates answered 409, ${otherWrites} other writes (updates/deletes) during the load and 3 s after (goal no duplicate: ${
        noDuplicates ? 'met' : 'NOT met'
      })`,
    );
    console.log(
      `load average ${os
        .loadavg()
        .map(l => l.toFixed(2))
        .join(' ')} on ${os.cpus().length} CPUs`,
    );
  } finally {
    for (const h of harnesses) await h.stop();
    for (const db of dbs) await db.destroy();
    await emulator.close();
    if (database) {
      const admin = knexFactory({ client: 'pg', connection: PG_URL });
      await admin.raw(`DROP DATABASE IF EXISTS ${database}`);
      await admin.destroy();
    }
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
