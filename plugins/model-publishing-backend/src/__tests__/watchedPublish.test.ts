import type { Knex } from 'knex';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  LABEL_MANAGED_BY,
  MANAGED_BY_VALUE,
} from '@model-publishing/plugin-model-publishing-common';
import { startServices } from '../__testUtils__/services';
import { DEMO_MODELS, NAMESPACE, seedPaths } from '../__testUtils__/harness';
import { startEmulator } from '@model-publishing/kube-emulator';
import * as isvcs from '../models/__testUtils__/inferenceServices';
import type { FixtureManifest } from '../models/__testUtils__/inferenceServices';
import type { KubeObject } from '../gateway/types';
import type { ModelLookup } from '../kubernetes/ModelWatch';
import { MANAGED_KINDS } from '../publishing/objects';

jest.setTimeout(120_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const op = { actor: 'user:default/alice' };
const config = { rateLimits: { requestsPerMinute: 60 } };
const ISVC = {
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  namespace: NAMESPACE,
};
const ROUTE_WRITE = /\/httproutes(\/|$)/;
const AI_ROUTE_WRITE = /\/aigatewayroutes(\/|$)/;
const MODEL_READ = /\/inferenceservices\/sklearn-iris$/;
/** The serving context's reads (issue 19): KServe's config, the policies around the route, the namespace's models. */
const CONTEXT_READ =
  /\/(configmaps\/inferenceservice-config|securitypolicies|backendtrafficpolicies|inferenceservices|llminferenceservices)$/;

type Services = Awaited<ReturnType<typeof startServices>>;

/** A lookup that serves whatever copy the test gives it, as a watch that is behind would. */
class FixedCopies implements ModelLookup {
  readonly copies = new Map<string, KubeObject>();
  inferenceService(_cluster: string, namespace: string, name: string) {
    return this.copies.get(`${namespace}/${name}`);
  }
}

function labelled(s: Services): string[] {
  const out: string[] = [];
  for (const { apiVersion, kind } of MANAGED_KINDS) {
    const type = (s.emulator.api as any).registry.forKind(apiVersion, kind);
    for (const o of s.emulator.api.list(type, undefined, {
      labelSelector: `${LABEL_MANAGED_BY}=${MANAGED_BY_VALUE}`,
    }).items) {
      out.push(`${kind}/${o.metadata.name}`);
    }
  }
  return out;
}

const withoutServerFields = (o: KubeObject): KubeObject => {
  const {
    uid: _u,
    resourceVersion: _r,
    creationTimestamp: _c,
    generation: _g,
    managedFields: _m,
    ...metadata
  } = o.metadata as any;
  return { ...o, metadata };
};

describe('publishing with the InferenceService watch', () => {
  let db: Knex;
  let s: Services;
  afterEach(async () => {
    await s.watches?.stop();
    await s.emulator.close();
  });

  it("re-reads the model alongside the publish's other reads (no round trip of its own), and creates the route only after that read", async () => {
    db = await databases.init('SQLITE_3');
    s = await startServices(db, { watchModels: true });
    s.emulator.faults.latency(30);
    s.emulator.requests.length = 0;
    const { publication } = await s.publishing.publish(
      s.model('sklearn-iris'),
      config,
      op,
    );
    expect(publication.status).toBe('published');

    const requests = s.emulator.requests.filter(
      r => !r.query.includes('watch'),
    );
    const reads = requests.filter(
      r => r.method === 'GET' && MODEL_READ.test(r.path),
    );
    const writes = requests.filter(
      r => r.method === 'POST' && !ROUTE_WRITE.test(r.path),
    );
    const route = requests.filter(
      r => r.method === 'POST' && ROUTE_WRITE.test(r.path),
    );
    expect(reads).toHaveLength(1);
    expect(writes.length).toBeGreaterThanOrEqual(3);
    expect(route).toHaveLength(1);
    const end = (r: { startTime: number; durationMs: number }) =>
      r.startTime + r.durationMs;
    // The live read ran alongside the serving context's reads (the publish's one round trip of reads before
    // its writes), not as a round trip of its own ...
    const context = requests.filter(
      r => r.method === 'GET' && CONTEXT_READ.test(r.path),
    );
    expect(context.length).toBeGreaterThan(0);
    expect(reads[0].startTime).toBeLessThan(Math.min(...context.map(end)));
    // ... and the route waited for both.
    expect(route[0].startTime).toBeGreaterThanOrEqual(end(reads[0]));
    expect(route[0].startTime).toBeGreaterThanOrEqual(
      Math.max(...writes.map(end)),
    );
  });

  it('does the same for an LLMInferenceService', async () => {
    db = await databases.init('SQLITE_3');
    s = await startServices(db, {
      watchModels: true,
      emulator: await startEmulator({
        seed: seedPaths([isvcs.llmInferenceService]),
      }),
    });
    s.emulator.faults.latency(30);
    s.emulator.requests.length = 0;
    const name = isvcs.llmInferenceService.metadata.name;
    const { publication } = await s.publishing.publish(
      { ...s.model(name), resourceKind: 'LLMInferenceService' },
      config,
      op,
    );
    expect(publication).toMatchObject({
      status: 'published',
      modelKind: 'openai',
      resourceKind: 'LLMInferenceService',
    });
    const requests = s.emulator.requests.filter(
      r => !r.query.includes('watch'),
    );
    const reads = requests.filter(
      r =>
        r.method === 'GET' && r.path.endsWith(`/llminferenceservices/${name}`),
    );
    const writes = requests.filter(
      r => r.method === 'POST' && !AI_ROUTE_WRITE.test(r.path),
    );
    const route = requests.filter(
      r => r.method === 'POST' && AI_ROUTE_WRITE.test(r.path),
    );
    expect(reads).toHaveLength(1);
    expect(route).toHaveLength(1);
    const end = (r: { startTime: number; durationMs: number }) =>
      r.startTime + r.durationMs;
    const context = requests.filter(
      r => r.method === 'GET' && CONTEXT_READ.test(r.path),
    );
    expect(reads[0].startTime).toBeLessThan(Math.min(...context.map(end)));
    expect(route[0].startTime).toBeGreaterThanOrEqual(
      Math.max(end(reads[0]), ...writes.map(end)),
    );
  });

  it('takes the runtime a model names from the runtime watches, without a request', async () => {
    db = await databases.init('SQLITE_3');
    s = await startServices(db, { watchModels: true });
    const model = DEMO_MODELS.xgboost;
    expect(model.spec.predictor.model.runtime).toBeDefined();
    s.emulator.requests.length = 0;
    const { publication } = await s.publishing.publish(
      s.model(model.metadata.name),
      config,
      op,
    );
    expect(publication).toMatchObject({ status: 'published', modelKind: 'v2' });
    expect(
      s.emulator.requests.filter(r => /servingruntimes/.test(r.path)),
    ).toEqual([]);
  });

  describe('with a copy that is behind the cluster', () => {
    let copies: FixedCopies;
    let live: FixtureManifest;
    beforeEach(async () => {
      db = await databases.init('SQLITE_3');
      copies = new FixedCopies();
      s = await startServices(db, { models: copies });
      live = (await s.clusters
        .get('local')
        .get({ ...ISVC, name: 'sklearn-iris' }))!;
    });
    const routeWrites = () =>
      s.emulator.requests.filter(
        r => r.method === 'POST' && ROUTE_WRITE.test(r.path),
      );

    it('publishes from the live model when it changed since the copy (owner reference to the live uid)', async () => {
      copies.copies.set(`${NAMESPACE}/sklearn-iris`, live);
      const changed = await s.clusters.get('local').replace({
        ...live,
        metadata: { ...live.metadata, labels: { team: 'fraud' } },
      });
      s.emulator.requests.length = 0;
      const { publication } = await s.publishing.publish(
        s.model('sklearn-iris'),
        config,
        op,
      );
      expect(publication.status).toBe('published');
      expect(routeWrites()).toHaveLength(1);
      const route = await s.clusters.get('local').get({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        namespace: NAMESPACE,
        name: publication.objects.find(o => o.kind === 'HTTPRoute')!.name,
      });
      expect(route!.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'InferenceService',
          uid: changed.metadata.uid,
        }),
      ]);
    });

    it('publishes against the recreated model, not the deleted one the copy describes', async () => {
      copies.copies.set(`${NAMESPACE}/sklearn-iris`, live);
      const client = s.clusters.get('local');
      await client.delete({ ...ISVC, name: 'sklearn-iris' });
      const recreated = await client.create(withoutServerFields(live));
      await s.emulator.kubeConfig
        .makeApiClient(CustomObjectsApi)
        .replaceNamespacedCustomObjectStatus({
          group: 'serving.kserve.io',
          version: 'v1beta1',
          namespace: NAMESPACE,
          plural: 'inferenceservices',
          name: 'sklearn-iris',
          body: { ...recreated, status: live.status },
        });
      const now = (await client.get({ ...ISVC, name: 'sklearn-iris' }))!;
      expect(now.metadata.uid).not.toBe(live.metadata.uid);
      const { publication } = await s.publishing.publish(
        s.model('sklearn-iris'),
        config,
        op,
      );
      for (const ref of publication.objects.filter(o => o.kind !== 'Secret')) {
        const obj = await client.get(ref);
        expect(obj!.metadata.ownerReferences?.[0]?.uid).toBe(now.metadata.uid);
      }
    });

    it('refuses with 409 when the model is no longer Ready, leaving nothing behind and never creating the route', async () => {
      const notReady = (await s.clusters
        .get('local')
        .get({ ...ISVC, name: 'not-ready' }))!;
      // The copy still says Ready; the cluster says otherwise.
      copies.copies.set(`${NAMESPACE}/not-ready`, {
        ...notReady,
        metadata: { ...notReady.metadata, resourceVersion: '1' },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      });
      s.emulator.requests.length = 0;
      await expect(
        s.publishing.publish(s.model('not-ready'), config, op),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(
          'is not Ready: Revision "not-ready-predictor-00001" failed',
        ),
      });
      expect(routeWrites()).toHaveLength(0);
      expect(labelled(s)).toEqual([]);
      const record = await s.publications.findCurrent(
        'local',
        NAMESPACE,
        'not-ready',
      );
      expect(record).toMatchObject({
        status: 'failed',
        statusReason: expect.stringContaining('is not Ready'),
      });
      expect(
        await s.publications.findLive('local', NAMESPACE, 'not-ready'),
      ).toBeUndefined();
    });

    it('refuses with 404 when the model is gone, leaving nothing behind', async () => {
      copies.copies.set(`${NAMESPACE}/sklearn-iris`, live);
      await s.clusters.get('local').delete({ ...ISVC, name: 'sklearn-iris' });
      await expect(
        s.publishing.publish(s.model('sklearn-iris'), config, op),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
      expect(routeWrites()).toHaveLength(0);
      expect(labelled(s)).toEqual([]);
    });

    it('decides a refusal on the live model, not on the copy', async () => {
      // The copy says gRPC (which cannot be published); the live model is a plain v1 model.
      const grpc = structuredClone(live);
      grpc.spec.predictor.model.protocolVersion = 'grpc-v2';
      copies.copies.set(`${NAMESPACE}/sklearn-iris`, grpc);
      const { publication } = await s.publishing.publish(
        s.model('sklearn-iris'),
        config,
        op,
      );
      expect(publication).toMatchObject({
        status: 'published',
        modelKind: 'v1',
      });
    });

    it('uses a copy that matches the live model as it is (no second round of writes)', async () => {
      copies.copies.set(`${NAMESPACE}/sklearn-iris`, live);
      s.emulator.requests.length = 0;
      const { publication } = await s.publishing.publish(
        s.model('sklearn-iris'),
        config,
        op,
      );
      expect(publication.status).toBe('published');
      expect(s.emulator.requests.filter(r => r.method === 'DELETE')).toEqual(
        [],
      );
      expect(s.emulator.requests.filter(r => r.method === 'POST')).toHaveLength(
        publication.objects.length,
      );
    });
  });
});
