import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createSchemaValidator,
  loadCrds,
  startEmulator,
} from '@model-publishing/kube-emulator';
import {
  ANNOTATION_RESOURCE_KIND,
  LABEL_PUBLICATION,
} from '@model-publishing/plugin-model-publishing-common';
import {
  DEMO_MODELS,
  entityFor,
  NAMESPACE,
  PluginHarness,
  seedPaths,
  startPluginHarness,
} from '../__testUtils__/harness';
import * as isvcs from '../models/__testUtils__/inferenceServices';

jest.setTimeout(120_000);

const auth = {
  Authorization: mockCredentials.user.header('user:default/alice'),
};
const API = '/api/model-publishing';
const byModel = (name: string) => `${API}/models/default/${NAMESPACE}/${name}`;
const byEntity = (name: string) => `${API}/entities/component/default/${name}`;

const llm = isvcs.llmInferenceService; // serving.kserve.io/v1alpha2, models/qwen-llmd
// An InferenceService and an LLMInferenceService may share a namespace and name; the entity says which.
const twinIsvc = {
  ...isvcs.sklearnV1,
  metadata: { ...isvcs.sklearnV1.metadata, name: 'twin' },
};
const twinLlm = { ...llm, metadata: { ...llm.metadata, name: 'twin' } };

function llmEntity(entityName: string, isvcName: string) {
  const e = entityFor(entityName);
  e.metadata.annotations = {
    ...e.metadata.annotations,
    'model-publishing/inference-service': `${NAMESPACE}/${isvcName}`,
    [ANNOTATION_RESOURCE_KIND]: 'LLMInferenceService',
  };
  return e;
}

describe('LLMInferenceService models', () => {
  let h: PluginHarness;
  const validator = createSchemaValidator(loadCrds());

  beforeAll(async () => {
    const emulator = await startEmulator({
      seed: seedPaths([llm, twinIsvc, twinLlm]),
    });
    h = await startPluginHarness({
      emulator,
      entities: [
        ...Object.values(DEMO_MODELS).map(m => entityFor(m.metadata.name)),
        llmEntity('qwen-llmd', 'qwen-llmd'),
        llmEntity('twin-llm', 'twin'),
      ],
    });
  });
  afterAll(async () => {
    await h?.stop();
    await h?.emulator.close();
  });
  afterEach(() => h.emulator.faults.clear());

  it.each([
    ['by model address', byModel('qwen-llmd')],
    ['by catalog entity', byEntity('qwen-llmd')],
  ])('resolves %s: openai, ready', async (_label, url) => {
    const res = await h.request.get(url).set(auth);
    expect(res.status).toBe(200);
    expect(res.body.model).toMatchObject({
      name: 'qwen-llmd',
      ready: true,
      detection: { kind: 'openai' },
    });
    expect(res.body.model.detection.reason).toContain('LLMInferenceService');
  });

  it('publishes with the design objects, schema-valid and owned by the LLMInferenceService, then unpublishes cleanly', async () => {
    const res = await h.request
      .post(`${byEntity('qwen-llmd')}/publication`)
      .set(auth)
      .send({
        rateLimits: { requestsPerMinute: 60, tokensPerMinute: 10000 },
        firstKey: { name: 'ci' },
      });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    const publication = res.body.publication;
    expect(publication).toMatchObject({
      modelKind: 'openai',
      status: 'published',
    });
    // The fixture has a scheduler (spec.router.scheduler) and no TLS: the route targets its InferencePool,
    // so there is no Backend / AIServiceBackend (kserve v0.20 SchedulerSpec.InferencePoolName).
    expect(publication.objects.map((o: any) => o.kind)).toEqual([
      'Secret',
      'SecurityPolicy',
      'BackendTrafficPolicy',
      'AIGatewayRoute',
    ]);
    const llmType = (h.emulator.api as any).registry.forKind(
      'serving.kserve.io/v1alpha2',
      'LLMInferenceService',
    );
    const live = h.emulator.api.get(llmType, NAMESPACE, 'qwen-llmd');
    for (const ref of publication.objects) {
      const type = (h.emulator.api as any).registry.forKind(
        ref.apiVersion,
        ref.kind,
      );
      const obj = h.emulator.api.get(type, ref.namespace, ref.name);
      expect(validator.validate(obj).errors).toEqual([]);
      expect(obj.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'LLMInferenceService',
          name: 'qwen-llmd',
          uid: live.metadata.uid,
        }),
      ]);
    }
    const routeType = (h.emulator.api as any).registry.forKind(
      'aigateway.envoyproxy.io/v1beta1',
      'AIGatewayRoute',
    );
    const route = h.emulator.api.get(routeType, NAMESPACE, 'qwen-llmd-mp');
    expect(route.spec.rules[0].backendRefs).toEqual([
      expect.objectContaining({
        group: 'inference.networking.k8s.io',
        kind: 'InferencePool',
        name: 'qwen-llmd-inference-pool',
      }),
    ]);

    const del = await h.request
      .delete(`${byModel('qwen-llmd')}/publication`)
      .set(auth);
    expect(del.status).toBe(200);
    expect(
      (await h.labelledObjects()).filter(
        o => o.labels[LABEL_PUBLICATION] === publication.id,
      ),
    ).toEqual([]);
  });

  it('reads the LLMInferenceService, not a same-named InferenceService, when the entity names it', async () => {
    const res = await h.request.get(byEntity('twin-llm')).set(auth);
    expect(res.status).toBe(200);
    expect(res.body.model.detection).toMatchObject({ kind: 'openai' });
    const dry = await h.request
      .post(`${byEntity('twin-llm')}/publication/dry-run`)
      .set(auth)
      .send({ rateLimits: { requestsPerMinute: 5 } });
    expect(dry.status).toBe(200);
    expect(dry.body.objects.map((o: any) => o.kind)).toContain(
      'AIGatewayRoute',
    );
    expect(dry.body.objects[0].metadata.ownerReferences[0]).toMatchObject({
      kind: 'LLMInferenceService',
      name: 'twin',
    });
  });

  it('records the resource kind, so later rebuilds (per-key limits, reconciler) read the same resource', async () => {
    const res = await h.request
      .post(`${byEntity('twin-llm')}/publication`)
      .set(auth)
      .send({ rateLimits: { requestsPerMinute: 5 } });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    expect(res.body.publication.resourceKind).toBe('LLMInferenceService');
    // A key with its own limits makes the key service rebuild the BackendTrafficPolicy from the record.
    const key = await h.request
      .post(`${byEntity('twin-llm')}/publication/keys`)
      .set(auth)
      .send({ name: 'limited', rateLimits: { requestsPerMinute: 2 } });
    if (key.status !== 201) throw new Error(JSON.stringify(key.body));
    const btpType = (h.emulator.api as any).registry.forKind(
      'gateway.envoyproxy.io/v1alpha1',
      'BackendTrafficPolicy',
    );
    const btp = h.emulator.api.get(btpType, NAMESPACE, 'twin-mp');
    expect(JSON.stringify(btp.spec)).toContain(key.body.key.clientId);
    expect(btp.metadata.ownerReferences[0]).toMatchObject({
      kind: 'LLMInferenceService',
    });
    expect(
      (await h.request.get(byEntity('twin-llm')).set(auth)).body.publication,
    ).toMatchObject({ status: 'published' });
    expect(
      (await h.request.delete(`${byEntity('twin-llm')}/publication`).set(auth))
        .status,
    ).toBe(200);
  });

  it('finds it in a cluster that serves only v1alpha1 or only v1alpha2', async () => {
    for (const hidden of ['v1alpha1', 'v1alpha2']) {
      h.emulator.faults.clear();
      h.emulator.faults.failNth({
        n: 1,
        persistent: true,
        pathPattern: new RegExp(
          `^/apis/serving\\.kserve\\.io/${hidden}/namespaces/[^/]+/llminferenceservices`,
        ),
        status: 404,
      });
      const res = await h.request.get(byEntity('qwen-llmd')).set(auth);
      expect({ hidden, status: res.status }).toEqual({ hidden, status: 200 });
      expect(res.body.model.detection.kind).toBe('openai');
    }
  });

  it('404 names the LLMInferenceService when it is gone', async () => {
    // Really deleted (not a faked 404 on GET): the model page reads the watches' copy while they hold
    // the model, so "gone" is what the watch sees once the cluster has deleted it.
    const del = await fetch(
      `${h.emulator.url}/apis/serving.kserve.io/v1alpha2/namespaces/models/llminferenceservices/qwen-llmd`,
      {
        method: 'DELETE',
      },
    );
    expect(del.status).toBe(200);
    let res = await h.request.get(byEntity('qwen-llmd')).set(auth);
    for (let i = 0; i < 50 && res.status === 200; i++) {
      await new Promise(r => setTimeout(r, 200));
      res = await h.request.get(byEntity('qwen-llmd')).set(auth);
    }
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain(
      'LLMInferenceService models/qwen-llmd not found',
    );
  });
});
