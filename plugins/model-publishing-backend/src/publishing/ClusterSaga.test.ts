import { startEmulator, type Emulator } from '@model-publishing/kube-emulator';
import { mockServices } from '@backstage/backend-test-utils';
import {
  LABEL_MANAGED_BY,
  LABEL_PUBLICATION,
  MANAGED_BY_VALUE,
} from '@model-publishing/plugin-model-publishing-common';
import type { HTTPRoute, KubeObject } from '../kubernetes/objects';
import { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import { ClusterClient, refOf } from '../kubernetes/ClusterClient';
import { CLUSTER, NAMESPACE, seedPaths } from '../__testUtils__/harness';
import { type ClusterWrite, SagaExecutor } from './ClusterSaga';

jest.setTimeout(60_000);

const labels = (publication: string) => ({
  [LABEL_MANAGED_BY]: MANAGED_BY_VALUE,
  [LABEL_PUBLICATION]: publication,
});
const secret = (
  data: Record<string, string>,
  publication = 'p1',
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name: 'm-mp-keys',
    namespace: NAMESPACE,
    labels: labels(publication),
  },
  type: 'Opaque',
  data,
});
const route = (path: string): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'm-mp', namespace: NAMESPACE, labels: labels('p1') },
  spec: {
    parentRefs: [{ name: 'models-gateway', namespace: 'envoy-gateway-system' }],
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: path } }],
        backendRefs: [{ name: 'm-predictor', port: 80 }],
      },
    ],
  },
});

describe('ClusterSaga', () => {
  let emulator: Emulator;
  let clusters: ClusterRegistry;
  let live: Set<string>;
  let writes: ClusterWrite[];
  let sagas: SagaExecutor;

  beforeEach(async () => {
    emulator = await startEmulator({ seed: seedPaths() });
    clusters = new ClusterRegistry({
      clusters: [
        {
          name: CLUSTER,
          url: emulator.url,
          skipTLSVerify: true,
          authMetadata: {},
        },
      ],
      defaultCluster: CLUSTER,
      timeoutMs: 5000,
      maxConcurrent: 8,
      kubeConfigs: { [CLUSTER]: emulator.kubeConfig },
    });
    live = new Set(['p1']);
    writes = [];
    sagas = new SagaExecutor({
      clusters,
      publications: {
        liveIds: async ids => new Set(ids.filter(id => live.has(id))),
      },
      logger: mockServices.logger.mock(),
      beforeClusterWrite: async op => void writes.push(op),
    });
  });
  afterEach(() => emulator.close());

  const read = (obj: KubeObject) => clusters.get(CLUSTER).get(refOf(obj));
  const routePath = async (obj: KubeObject) =>
    (await clusters.get(CLUSTER).get<HTTPRoute>(refOf(obj)))?.spec.rules?.[0]
      .matches?.[0].path?.value;

  it('creates the route last, after the hook before it, and undo removes everything it created', async () => {
    const saga = sagas.begin(CLUSTER, 'p1');
    const seenBeforeRoute: (KubeObject | undefined)[] = [];
    await saga.applyStaged(
      [route('/a'), secret({ k: 'dg==' })],
      'create',
      async () => {
        seenBeforeRoute.push(await read(secret({})), await read(route('/a')));
      },
    );
    expect(seenBeforeRoute[0]).toBeDefined(); // the Secret exists before the route is written
    expect(seenBeforeRoute[1]).toBeUndefined();
    expect(writes.map(w => `${w.action} ${w.ref.kind}`)).toEqual([
      'create Secret',
      'create HTTPRoute',
    ]);
    await saga.undo();
    expect(await read(secret({}))).toBeUndefined();
    expect(await read(route('/a'))).toBeUndefined();
  });

  it('refuses to create over an object that is not ours, and leaves it alone', async () => {
    await clusters.get(CLUSTER).create({
      ...secret({ theirs: 'eA==' }),
      metadata: { name: 'm-mp-keys', namespace: NAMESPACE },
    });
    const saga = sagas.begin(CLUSTER, 'p1');
    await expect(
      saga.applyStaged([secret({ k: 'dg==' })], 'create'),
    ).rejects.toThrow(
      /Secret models\/m-mp-keys already exists and is not managed by this publication/,
    );
    await saga.undo();
    expect((await read(secret({})))?.data).toEqual({ theirs: 'eA==' });
  });

  it('takes over a labelled leftover of a publication that is no longer live; undo deletes it', async () => {
    await clusters.get(CLUSTER).create(secret({ old: 'eA==' }, 'dead'));
    const saga = sagas.begin(CLUSTER, 'p1');
    await saga.applyStaged([secret({ k: 'dg==' })], 'create');
    expect((await read(secret({})))?.data).toEqual({ k: 'dg==' });
    expect(writes.map(w => w.action)).toEqual(['create', 'apply']);
    await saga.undo();
    expect(await read(secret({}))).toBeUndefined();
  });

  it("apply replaces what exists (but never a Secret's keys) and undo restores the previous version", async () => {
    await sagas
      .begin(CLUSTER, 'p1')
      .applyStaged([secret({ k: 'dg==' }), route('/a')], 'create');
    const saga = sagas.begin(CLUSTER, 'p1');
    await saga.applyStaged([secret({ other: 'eA==' }), route('/b')], 'apply');
    expect(await routePath(route('/b'))).toBe('/b');
    expect((await read(secret({})))?.data).toEqual({ k: 'dg==' });
    await saga.undo();
    expect(await routePath(route('/a'))).toBe('/a');
  });

  it('apply is a server-side apply: a field the new version drops is gone, another manager keeps its own', async () => {
    const hosted = {
      ...route('/a'),
      spec: { ...(route('/a').spec as object), hostnames: ['a.example.com'] },
    };
    await sagas.begin(CLUSTER, 'p1').applyStaged([hosted], 'create');
    // Someone else annotates our route (kubernetes.io server-side apply: fields have owners).
    const someoneElse = new ClusterClient({
      name: CLUSTER,
      kubeConfig: emulator.kubeConfig,
      timeoutMs: 10_000,
      maxConcurrent: 1,
      fieldManager: 'kubectl-edit',
    });
    await someoneElse.patch({
      ...route('/a'),
      spec: undefined,
      metadata: { ...route('/a').metadata, annotations: { note: 'theirs' } },
    });
    writes.length = 0;
    await sagas.begin(CLUSTER, 'p1').applyStaged([route('/b')], 'apply');
    expect(writes.map(w => w.action)).toEqual(['apply']);
    const now = await clusters.get(CLUSTER).get<HTTPRoute>(refOf(route('/b')));
    expect(now?.spec.hostnames).toBeUndefined();
    expect(now?.spec.rules?.[0].matches?.[0].path?.value).toBe('/b');
    expect(now?.metadata.annotations).toEqual({ note: 'theirs' });
  });

  it('deletes the route first, and undo recreates what it deleted', async () => {
    await sagas
      .begin(CLUSTER, 'p1')
      .applyStaged([secret({ k: 'dg==' }), route('/a')], 'create');
    writes.length = 0;
    const saga = sagas.begin(CLUSTER, 'p1');
    await saga.deleteObjects([secret({}), route('/a')].map(refOf));
    expect(writes.map(w => `${w.action} ${w.ref.kind}`)).toEqual([
      'delete HTTPRoute',
      'delete Secret',
    ]);
    expect(await read(route('/a'))).toBeUndefined();
    await saga.undo();
    expect((await read(secret({})))?.data).toEqual({ k: 'dg==' });
    expect(await read(route('/a'))).toBeDefined();
  });
});
