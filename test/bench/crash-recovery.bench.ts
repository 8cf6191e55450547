/* eslint-disable no-console */
/**
 * Crash recovery (issue 14, finding 5): a backend process is killed with SIGKILL in the middle of a publish,
 * an update and an unpublish (at a fixed cluster write, so the cluster is half-written), then
 *   A. the same instance restarts: its start-up resume takes the operation over at once;
 *   B. no restart: another instance takes it over on the owner's next request once the lease ran out.
 * Goal: converged within one reconcile interval (the default, 2 minutes) and the owner's next request
 * succeeds. Before the leases a killed publish stayed `publishing` for 5–7 minutes.
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs test/bench/crash-recovery.bench.ts [--pg]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator } from '@model-publishing/kube-emulator';
import {
  LABEL_MANAGED_BY,
  LABEL_PUBLICATION,
  MANAGED_BY_VALUE,
} from '@model-publishing/plugin-model-publishing-common';
import type { Knex } from 'knex';
import knexFactory from 'knex';
import {
  NAMESPACE,
  seedPaths,
} from '../../plugins/model-publishing-backend/src/__testUtils__/harness';
import { createScratchDatabase } from '../../plugins/model-publishing-backend/src/__testUtils__/scratchDatabase';
import { migrate } from '../../plugins/model-publishing-backend/src/database/migrate';
import { MANAGED_KINDS } from '../../plugins/model-publishing-backend/src/publishing/objects';
import {
  type InstanceSettings,
  type Operation,
  OWNER,
  PUBLISH,
  startInstance,
  UPDATE,
} from './lib/crashInstance';

const RECONCILE_INTERVAL_MS = 120_000; // modelPublishing.reconciler.frequency default
const LEASE_MS = 30_000; // modelPublishing.reconciler.leaseMs default
const root = path.resolve(__dirname, '../..');

function labelled(emulator: Emulator, publicationId?: string): number {
  let n = 0;
  for (const { apiVersion, kind } of MANAGED_KINDS) {
    const type = (emulator.api as any).registry.forKind(apiVersion, kind);
    n += emulator.api.list(type, undefined, {
      labelSelector: publicationId
        ? `${LABEL_PUBLICATION}=${publicationId}`
        : `${LABEL_MANAGED_BY}=${MANAGED_BY_VALUE}`,
    }).items.length;
  }
  return n;
}

/** Runs the operation in a child process and kills it with SIGKILL at its `killAt`th cluster write. */
async function killMidway(
  settings: InstanceSettings,
  operation: Operation,
  model: string,
  killAt: number,
): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      '@backstage/cli/config/nodeTransform.cjs',
      path.join(__dirname, 'lib/crashChild.ts'),
      JSON.stringify({ settings, operation, model, killAt }),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', d => {
      out += String(d);
      if (out.includes('KILLPOINT')) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', code =>
      reject(new Error(`child exited (${code}) before its kill point: ${out}`)),
    );
  });
  await new Promise(r => child.once('exit', r));
}

async function waitSettled(
  db: Knex,
  id: string,
  deadlineMs: number,
): Promise<string> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const row = await db('publications').where({ id }).first();
    if (!['publishing', 'updating', 'unpublishing'].includes(row.status))
      return row.status;
    if (Date.now() > until) return row.status;
    await new Promise(r => setTimeout(r, 100));
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

async function run(kind: 'sqlite' | 'postgres') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-crash-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  const emulator = await startEmulator({ seed: seedPaths(), kubeconfigPath });
  let knex: Knex.Config;
  let close = async () => {};
  if (kind === 'sqlite') {
    knex = {
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'db.sqlite') },
      useNullAsDefault: true,
    };
    const db = knexFactory(knex);
    await migrate(db);
    await db.destroy();
  } else {
    const scratch = await createScratchDatabase('postgres', {
      prefix: 'mp_crash',
      migrate,
    });
    knex = {
      client: 'pg',
      connection: scratch.db.client.config.connection,
      pool: { min: 0, max: 4 },
    };
    close = scratch.close;
  }
  const settings = (instanceId: string): InstanceSettings => ({
    knex,
    kubeconfigPath,
    instanceId,
    leaseMs: LEASE_MS,
  });
  const results: boolean[] = [];

  // A. kill -9, then the same instance restarts.
  const cases: { operation: Operation; killAt: number; at: string }[] = [
    {
      operation: 'publish',
      killAt: 4,
      at: 'before the route (Secret with the first key, both policies written)',
    },
    {
      operation: 'update',
      killAt: 2,
      at: 'one policy replaced, the other and the route not',
    },
    { operation: 'unpublish', killAt: 2, at: 'route deleted, the rest not' },
  ];
  for (const c of cases) {
    const setup = await startInstance(settings('bench-setup'));
    if (c.operation !== 'publish')
      await setup.publishing.publish(
        setup.model('sklearn-iris'),
        PUBLISH,
        OWNER,
      );
    await killMidway(
      settings('bench-a'),
      c.operation,
      'sklearn-iris',
      c.killAt,
    );
    const left = await setup
      .db('publications')
      .where({ name: 'sklearn-iris' })
      .orderBy('created_at', 'desc')
      .first();
    const objectsLeft = labelled(emulator, left.id);
    await setup.db.destroy();

    const t0 = Date.now();
    const restarted = await startInstance(settings('bench-a'));
    // What startServices does at start-up (services.ts): resume this instance's interrupted operations.
    const resumed = await restarted.reconciler.resume(
      undefined,
      new Date(),
      true,
    );
    const status = await waitSettled(
      restarted.db,
      left.id,
      RECONCILE_INTERVAL_MS,
    );
    const took = Date.now() - t0;
    const expected = {
      publish: 'failed',
      update: 'published',
      unpublish: 'unpublished',
    }[c.operation];
    const converged = status === expected && took <= RECONCILE_INTERVAL_MS;

    // The owner's next request: the same operation again (after an unpublish: publish again).
    let next = '';
    try {
      if (c.operation === 'update') {
        const p = await restarted.publishing.update(
          restarted.model('sklearn-iris'),
          UPDATE,
          OWNER,
        );
        next = `update → ${p.status}, ${p.config.rateLimits.requestsPerMinute}/min`;
      } else {
        const p = await restarted.publishing.publish(
          restarted.model('sklearn-iris'),
          PUBLISH,
          OWNER,
        );
        next = `publish → ${p.publication.status}${
          p.key ? ', first key issued' : ''
        }`;
      }
    } catch (e) {
      next = `FAILED: ${(e as Error).message}`;
    }
    const ok = converged && !next.startsWith('FAILED');
    results.push(ok);
    console.log(
      `${kind} ${c.operation}: SIGKILL ${c.at}: record ${left.status}, ${objectsLeft} labelled object(s) left; ` +
        `restarted instance: ${left.status} → ${status} in ${s(
          took,
        )} (resume reported ${resumed.converged.length}) — ` +
        `goal ≤ ${s(RECONCILE_INTERVAL_MS)} (one reconcile interval): ${verdict(
          converged,
        )}; owner's next request: ${next}`,
    );
    await restarted.publishing
      .unpublish(restarted.model('sklearn-iris'), OWNER)
      .catch(() => undefined);
    await restarted.db.destroy();
  }

  // B. kill -9 mid-publish, no restart: another instance takes it over on the owner's next request.
  await killMidway(settings('bench-b'), 'publish', 'xgboost-iris', 4);
  const killedAt = Date.now();
  const other = await startInstance(settings('bench-other'));
  let tries = 0;
  let outcome = '';
  for (;;) {
    tries++;
    try {
      const p = await other.publishing.publish(
        other.model('xgboost-iris'),
        PUBLISH,
        OWNER,
      );
      outcome = p.publication.status;
      break;
    } catch (e) {
      if (
        (e as Error).name !== 'ConflictError' ||
        Date.now() - killedAt > RECONCILE_INTERVAL_MS
      ) {
        outcome = `FAILED: ${(e as Error).message}`;
        break;
      }
      await new Promise(r => setTimeout(r, 1000));
    }
  }
  const tookB = Date.now() - killedAt;
  const okB = outcome === 'published' && tookB <= RECONCILE_INTERVAL_MS;
  results.push(okB);
  console.log(
    `${kind} publish, no restart: another instance's owner request succeeded after ${s(
      tookB,
    )} (${tries} tries, 409 while the ${s(
      LEASE_MS,
    )} lease ran) → ${outcome} — goal ≤ ${s(RECONCILE_INTERVAL_MS)}: ${verdict(
      okB,
    )}`,
  );
  await other.publishing
    .unpublish(other.model('xgboost-iris'), OWNER)
    .catch(() => undefined);
  console.log(
    `${kind}: labelled objects left in ${NAMESPACE} after the runs: ${labelled(
      emulator,
    )}`,
  );
  await other.db.destroy();
  await emulator.close();
  await close();
  return results.every(Boolean);
}

async function main() {
  const kinds: ('sqlite' | 'postgres')[] = process.argv.includes('--pg')
    ? ['sqlite', 'postgres']
    : ['sqlite'];
  let ok = true;
  for (const kind of kinds) ok = (await run(kind)) && ok;
  console.log(`crash recovery: goal ${verdict(ok)}`);
  process.exit(ok ? 0 : 1);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
