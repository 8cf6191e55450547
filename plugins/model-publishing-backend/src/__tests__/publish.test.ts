import { mockCredentials } from '@backstage/backend-test-utils';
import { createSchemaValidator, loadCrds } from '@model-publishing/kube-emulator';
import { LABEL_PUBLICATION } from '@model-publishing/plugin-model-publishing-common';
import { DEMO_MODELS, NAMESPACE, PluginHarness, startPluginHarness } from '../__testUtils__/harness';

jest.setTimeout(120_000);

const auth = { Authorization: mockCredentials.user.header('user:default/alice') };
const path = (name: string) => `/api/model-publishing/models/default/${NAMESPACE}/${name}`;

const EXPECTED_KINDS: Record<string, string[]> = {
  sklearn: ['Secret', 'SecurityPolicy', 'BackendTrafficPolicy', 'HTTPRoute'],
  xgboost: ['Secret', 'SecurityPolicy', 'BackendTrafficPolicy', 'HTTPRoute'],
  huggingface: ['Secret', 'Backend', 'AIServiceBackend', 'SecurityPolicy', 'BackendTrafficPolicy', 'AIGatewayRoute'],
  vllm: ['Secret', 'Backend', 'AIServiceBackend', 'SecurityPolicy', 'BackendTrafficPolicy', 'AIGatewayRoute'],
};

describe('publishing the demo models against the emulator', () => {
  let h: PluginHarness;
  const validator = createSchemaValidator(loadCrds());

  beforeAll(async () => {
    h = await startPluginHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each(Object.keys(DEMO_MODELS))('publishes %s with exactly the design objects, then refuses a second publish, then unpublishes cleanly', async demo => {
    const isvc = DEMO_MODELS[demo];
    const name = isvc.metadata.name;
    const body = { rateLimits: { requestsPerMinute: 60 }, firstKey: { name: 'ci' } };

    const res = await h.request.post(`${path(name)}/publication`).set(auth).send(body);
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    const publication = res.body.publication;
    expect(publication).toMatchObject({ status: 'published', namespace: NAMESPACE, name, cluster: 'local' });
    expect(publication.objects.map((o: any) => o.kind)).toEqual(EXPECTED_KINDS[demo]);

    // The first key is returned once and is what the gateway's Secret holds for its client id.
    expect(res.body.key.secret).toMatch(/^mpk_[A-Za-z0-9]{38}$/);
    const secretType = (h.emulator.api as any).registry.forKind('v1', 'Secret');
    const secret = h.emulator.api.get(secretType, NAMESPACE, `${name}-mp-keys`);
    expect(Buffer.from(secret.data[res.body.key.key.clientId], 'base64').toString()).toBe(res.body.key.secret);
    expect(JSON.stringify(publication)).not.toContain(res.body.key.secret);

    const guide = await h.request.get(`${path(name)}/publication/guide`).set(auth);
    expect(guide.status).toBe(200);
    expect(guide.body.markdown).toContain(publication.endpoints[0].url);
    expect(guide.body.openapi.openapi).toMatch(/^3\./);
    const objects = await h.labelledObjects();
    const mine = objects.filter(o => o.labels[LABEL_PUBLICATION] === publication.id);
    expect(mine.map(o => o.kind).sort()).toEqual([...EXPECTED_KINDS[demo]].sort());

    // Every object is schema-valid against the upstream CRDs and owned by the InferenceService.
    for (const ref of publication.objects) {
      const type = (h.emulator.api as any).registry.forKind(ref.apiVersion, ref.kind);
      const obj = h.emulator.api.get(type, ref.namespace, ref.name);
      expect(validator.validate(obj).errors).toEqual([]);
      expect(obj.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'InferenceService', name }),
      ]);
    }

    const again = await h.request.post(`${path(name)}/publication`).set(auth).send(body);
    expect(again.status).toBe(409);
    expect(again.body.error.name).toBe('ConflictError');

    const got = await h.request.get(path(name)).set(auth);
    expect(got.status).toBe(200);
    expect(got.body.publication.id).toBe(publication.id);
    expect(got.body.model.ready).toBe(true);

    const del = await h.request.delete(`${path(name)}/publication`).set(auth);
    expect(del.status).toBe(200);
    expect(del.body.publication.status).toBe('unpublished');
    const left = (await h.labelledObjects()).filter(o => o.labels[LABEL_PUBLICATION] === publication.id);
    expect(left).toEqual([]);
  });
});
