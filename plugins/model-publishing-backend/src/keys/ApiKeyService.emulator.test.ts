import { CoreV1Api } from '@kubernetes/client-node';
import { startEmulator, type Emulator } from '@model-publishing/kube-emulator';
import type { Knex } from 'knex';
import { AuditLog } from '../audit/AuditLog';
import { PublicationStore } from '../database/PublicationStore';
import { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import { ApiKeyService } from './ApiKeyService';
import { ApiKeyStore } from './ApiKeyStore';
import { clusterSecretClient } from './clusterSecrets';
import type { KeySecretClient } from './types';
import { createKeyTestDb } from './__testUtils__/db';
import {
  ReadBarrier,
  captureAuditor,
  captureLogger,
} from './__testUtils__/fakes';

const HOUR = 3_600_000;
const START = new Date('2026-12-01T00:00:00.000Z');
const NAMESPACE = 'ml';
const SECRET = 'fraud-mp-keys';

/** KeySecretClient straight over CoreV1Api: what a minimal integration would write. */
function coreV1SecretClient(api: CoreV1Api): KeySecretClient {
  return {
    async getSecret(t) {
      try {
        return (await api.readNamespacedSecret({
          name: t.name,
          namespace: t.namespace,
        })) as any;
      } catch (e) {
        if ((e as { code?: number }).code === 404) return undefined;
        throw e;
      }
    },
    async replaceSecret(t, secret) {
      return (await api.replaceNamespacedSecret({
        name: t.name,
        namespace: t.namespace,
        body: secret as any,
      })) as any;
    },
  };
}

/**
 * The key service against the Kubernetes emulator, which enforces resourceVersion on replace the
 * way the API server does: both the plugin's ClusterClient path and a plain CoreV1Api client.
 */
describe('ApiKeyService against the Kubernetes emulator', () => {
  let emulator: Emulator;
  let core: CoreV1Api;
  let db: Knex;
  let close: () => Promise<void>;
  let clock: Date;
  let clients: KeySecretClient[];
  let barrier: ReadBarrier;
  let replicas: ApiKeyService[];

  function service(publications: PublicationStore, secrets: KeySecretClient) {
    const auditor = captureAuditor();
    return new ApiKeyService({
      store: new ApiKeyStore(db),
      publications,
      secrets,
      auditor: new AuditLog(db, auditor),
      logger: captureLogger(),
      rateLimitMode: 'global',
      rotationGraceHours: 24,
      now: () => clock,
      secretWrite: { maxBackoffMs: 10 },
    });
  }

  beforeAll(async () => {
    emulator = await startEmulator({ crds: [] });
    core = emulator.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  });

  afterAll(async () => {
    await emulator.close();
  });

  beforeEach(async () => {
    ({ db, close } = await createKeyTestDb('sqlite'));
    clock = START;
    const publications = new PublicationStore(db);
    await publications.insertPublishing(
      {
        id: 'pub-1',
        cluster: 'dev',
        namespace: NAMESPACE,
        name: 'fraud',
        modelKind: 'v2',
        config: { rateLimits: {} },
        objects: [],
        endpoints: [],
        createdBy: 'user:default/alice',
      },
      START,
    );
    await publications.update('pub-1', { status: 'published' });
    await core
      .deleteNamespacedSecret({ name: SECRET, namespace: NAMESPACE })
      .catch(() => undefined);
    await core.createNamespacedSecret({
      namespace: NAMESPACE,
      body: { metadata: { name: SECRET }, type: 'Opaque', data: {} },
    });
    const registry = new ClusterRegistry({
      clusters: [{ name: 'dev', url: emulator.url, authMetadata: {} }],
      defaultCluster: 'dev',
      timeoutMs: 10_000,
      maxConcurrent: 8,
      kubeConfigs: { dev: emulator.kubeConfig },
    });
    barrier = new ReadBarrier();
    clients = [clusterSecretClient(registry), coreV1SecretClient(core)].map(c =>
      barrier.wrap(c),
    );
    replicas = clients.map(secrets => service(publications, secrets));
  });

  afterEach(async () => {
    await close();
  });

  async function secretKeys(): Promise<Record<string, string>> {
    const s = await core.readNamespacedSecret({
      name: SECRET,
      namespace: NAMESPACE,
    });
    return Object.fromEntries(
      Object.entries(s.data ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v, 'base64').toString('utf8'),
      ]),
    );
  }

  it('rotate keeps both keys until grace ends; revoke and expiry take keys out', async () => {
    const [a, b] = replicas;
    const first = await a.create(
      { publicationId: 'pub-1', name: 'app' },
      { actor: 'user:x' },
    );
    const temp = await b.create(
      {
        publicationId: 'pub-1',
        name: 'temp',
        expiresAt: new Date(START.getTime() + 2 * HOUR).toISOString(),
      },
      { actor: 'user:x' },
    );
    const gone = await b.create(
      { publicationId: 'pub-1', name: 'gone' },
      { actor: 'user:x' },
    );
    const rotated = await b.rotate(
      { publicationId: 'pub-1', keyId: first.key.id },
      { actor: 'user:x' },
    );
    expect(await secretKeys()).toEqual({
      [first.key.clientId]: first.secret,
      [temp.key.clientId]: temp.secret,
      [gone.key.clientId]: gone.secret,
      [rotated.key.clientId]: rotated.secret,
    });
    await a.revoke(
      { publicationId: 'pub-1', keyId: gone.key.id },
      { actor: 'user:x' },
    );
    expect(Object.keys(await secretKeys())).not.toContain(gone.key.clientId);

    clock = new Date(START.getTime() + 2 * HOUR);
    expect((await a.sweep()).removed.map(r => r.keyId)).toEqual([temp.key.id]);
    expect(Object.keys(await secretKeys()).sort()).toEqual(
      [first.key.clientId, rotated.key.clientId].sort(),
    );
    clock = new Date(START.getTime() + 24 * HOUR);
    expect((await b.sweep()).removed.map(r => r.keyId)).toEqual([first.key.id]);
    expect(await secretKeys()).toEqual({
      [rotated.key.clientId]: rotated.secret,
    });
  });

  it('20 concurrent rotations from two replicas: no duplicate values, no lost keys, 409s retried', async () => {
    const originals = [];
    for (let i = 0; i < 20; i++) {
      originals.push(
        await replicas[i % 2].create(
          { publicationId: 'pub-1', name: `app-${i}` },
          { actor: 'user:x' },
        ),
      );
    }
    emulator.requests.length = 0;
    barrier.arm(20);
    const rotated = await Promise.all(
      originals.map((o, i) =>
        replicas[i % 2].rotate(
          { publicationId: 'pub-1', keyId: o.key.id },
          { actor: 'user:x' },
        ),
      ),
    );
    const conflicts = emulator.requests.filter(
      r => r.method === 'PUT' && r.status === 409,
    ).length;
    const writes = emulator.requests.filter(
      r => r.method === 'PUT' && r.status === 200,
    ).length;
    expect(writes).toBe(20);
    const inSecret = await secretKeys();
    expect(inSecret).toEqual(
      Object.fromEntries([
        ...originals.map(o => [o.key.clientId, o.secret]),
        ...rotated.map(r => [r.key.clientId, r.secret]),
      ]),
    );
    expect(new Set(Object.values(inSecret)).size).toBe(40);
    // All 20 read the same resourceVersion: the emulator refused at least 19 stale replaces.
    expect(conflicts).toBeGreaterThanOrEqual(19);

    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        replicas[i % 2].rotate(
          { publicationId: 'pub-1', keyId: rotated[0].key.id },
          { actor: 'user:x' },
        ),
      ),
    );
    expect(outcomes.filter(o => o.status === 'fulfilled')).toHaveLength(1);
    const after = await secretKeys();
    expect(Object.keys(after)).toHaveLength(41);
    expect(new Set(Object.values(after)).size).toBe(41);
    // 60 sequential and concurrent writes against the emulator: above jest's 5 s default on a busy machine.
  }, 30_000);
});
