import { startEmulator, type Emulator } from '@model-publishing/kube-emulator';
import { mockServices } from '@backstage/backend-test-utils';
import { ClusterClient } from './ClusterClient';
import { ModelWatch, ModelWatches } from './ModelWatch';
import { NAMESPACE, seedPaths } from '../__testUtils__/harness';

jest.setTimeout(60_000);

const ISVC = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService' };

async function eventually<T>(probe: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 10));
  }
}

describe('ModelWatch', () => {
  let emulator: Emulator;
  let client: ClusterClient;
  const watches: ModelWatch[] = [];
  const newWatch = (logger = mockServices.logger.mock(), retryMs = 50) => {
    const w = new ModelWatch({ cluster: 'local', kubeConfig: emulator.kubeConfig, logger, retryMs });
    watches.push(w);
    return w;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ seed: seedPaths() });
    client = new ClusterClient({ name: 'local', kubeConfig: emulator.kubeConfig, timeoutMs: 5000, maxConcurrent: 4 });
  });
  afterEach(async () => {
    emulator.faults.clear();
    await Promise.all(watches.splice(0).map(w => w.stop()));
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('answers from a full list once started, with what a live read says', async () => {
    const watch = newWatch();
    expect(watch.get(NAMESPACE, 'sklearn-iris')).toBeUndefined();
    await watch.start();
    expect(watch.synced).toBe(true);
    const live = await client.get({ ...ISVC, namespace: NAMESPACE, name: 'sklearn-iris' });
    const cached = watch.get(NAMESPACE, 'sklearn-iris')!;
    // What publishing builds from; typed reads turn timestamps into Dates, so compare these parts.
    const parts = (o: any) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, labels: o.metadata.labels, annotations: o.metadata.annotations },
      spec: o.spec,
      status: o.status,
    });
    expect(parts(cached)).toEqual(parts(live));
    expect(watch.get(NAMESPACE, 'no-such-model')).toBeUndefined();
    expect(watch.get('other-namespace', 'sklearn-iris')).toBeUndefined();
  });

  it('follows creates, updates and deletes through the watch', async () => {
    const watch = newWatch();
    await watch.start();
    const live = (await client.get({ ...ISVC, namespace: NAMESPACE, name: 'sklearn-iris' }))!;
    const { uid: _uid, resourceVersion: _rv, creationTimestamp: _c, generation: _g, ...metadata } = live.metadata as any;
    const created = await client.create({ ...live, metadata: { ...metadata, name: 'watched-copy' }, status: undefined } as any);
    await eventually(() => watch.get(NAMESPACE, 'watched-copy'), 'the created model');
    expect(watch.get(NAMESPACE, 'watched-copy')!.metadata.uid).toBe(created.metadata.uid);

    const updated = await client.replace({ ...created, metadata: { ...created.metadata, labels: { changed: 'yes' } } });
    await eventually(
      () => (watch.get(NAMESPACE, 'watched-copy')?.metadata.resourceVersion === updated.metadata.resourceVersion ? true : undefined),
      'the update',
    );
    expect(watch.get(NAMESPACE, 'watched-copy')!.metadata.labels).toEqual({ changed: 'yes' });

    await client.delete({ ...ISVC, namespace: NAMESPACE, name: 'watched-copy' });
    await eventually(() => (watch.get(NAMESPACE, 'watched-copy') ? undefined : true), 'the delete');
  });

  it('answers nothing while it cannot list (e.g. 403 without RBAC), warns once, and recovers by itself', async () => {
    const logger = mockServices.logger.mock();
    emulator.faults.failNth({ n: 1, method: 'GET', pathPattern: /^\/apis\/serving\.kserve\.io\/v1beta1\/inferenceservices$/, status: 403, persistent: true, message: 'inferenceservices is forbidden' });
    const watch = newWatch(logger, 20);
    await watch.start();
    expect(watch.synced).toBe(false);
    expect(watch.get(NAMESPACE, 'sklearn-iris')).toBeUndefined();
    // Retries keep failing: still one warning for the whole outage.
    await new Promise(r => setTimeout(r, 150));
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(String((logger.warn as jest.Mock).mock.calls[0][0])).toMatch(/watchModels: false/);

    emulator.faults.clear();
    await eventually(() => (watch.synced ? true : undefined), 'recovery');
    expect(watch.get(NAMESPACE, 'sklearn-iris')).toBeDefined();
    expect(logger.info).toHaveBeenCalledWith(expect.stringContaining('back in sync'));
  });

  it('finds a model\'s runtime: the namespaced ServingRuntime first, else the ClusterServingRuntime; "none" only when in sync', async () => {
    const all = new ModelWatches([{ name: 'local', kubeConfig: emulator.kubeConfig }], mockServices.logger.mock(), 50);
    try {
      expect(all.servingRuntime('local', NAMESPACE, 'rt')).toBeUndefined();
      await all.start();
      expect(all.servingRuntime('local', NAMESPACE, 'rt')).toEqual({ found: undefined });
      const spec = { supportedModelFormats: [{ name: 'sklearn', version: '1' }], containers: [{ name: 'kserve-container', image: 'kserve/sklearnserver:v0.15.0' }] };
      await client.create({ apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ClusterServingRuntime', metadata: { name: 'rt' }, spec } as any);
      const clusterWide = await eventually(() => all.servingRuntime('local', NAMESPACE, 'rt')?.found, 'the ClusterServingRuntime');
      expect(clusterWide).toMatchObject({ kind: 'ClusterServingRuntime', metadata: { name: 'rt' } });
      await client.create({ apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ServingRuntime', metadata: { name: 'rt', namespace: NAMESPACE }, spec } as any);
      const namespaced = await eventually(
        () => (all.servingRuntime('local', NAMESPACE, 'rt')?.found?.kind === 'ServingRuntime' ? true : undefined),
        'the ServingRuntime to take precedence',
      );
      expect(namespaced).toBe(true);
      // Another namespace still sees only the cluster-wide one.
      expect(all.servingRuntime('local', 'elsewhere', 'rt')?.found?.kind).toBe('ClusterServingRuntime');
      expect(all.servingRuntime('other-cluster', NAMESPACE, 'rt')).toBeUndefined();
    } finally {
      await all.stop();
    }
  });

  it('takes a resource the cluster does not serve (404) calmly: an info line, no warning, nothing answered', async () => {
    const logger = mockServices.logger.mock();
    emulator.faults.failNth({ n: 1, method: 'GET', pathPattern: /^\/apis\/serving\.kserve\.io\/v1alpha2\/llminferenceservices$/, status: 404, persistent: true, message: 'the server could not find the requested resource' });
    const watch = new ModelWatch({
      cluster: 'local',
      kubeConfig: emulator.kubeConfig,
      logger,
      retryMs: 20,
      resource: { group: 'serving.kserve.io', version: 'v1alpha2', plural: 'llminferenceservices', kind: 'LLMInferenceService' },
    });
    watches.push(watch);
    await watch.start();
    expect(watch.synced).toBe(false);
    expect(watch.get(NAMESPACE, 'anything')).toBeUndefined();
    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledWith(expect.stringContaining('llminferenceservices.serving.kserve.io/v1alpha2 is not served'));
  });

  it('answers nothing after stop', async () => {
    const watch = newWatch();
    await watch.start();
    expect(watch.get(NAMESPACE, 'sklearn-iris')).toBeDefined();
    await watch.stop();
    expect(watch.synced).toBe(false);
    expect(watch.get(NAMESPACE, 'sklearn-iris')).toBeUndefined();
  });
});
