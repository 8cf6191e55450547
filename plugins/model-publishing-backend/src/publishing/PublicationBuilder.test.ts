import type { HTTPRoute, KubeObject } from '../kubernetes/objects';
import { gateway, testKey } from '../gateway/__testUtils__/inputs';
import * as isvcs from '../models/__testUtils__/inferenceServices';
import { detectModelKind } from '@model-publishing/plugin-model-publishing-common';
import { publicationOf } from './__testUtils__/fakes';
import { newPublication, PublicationBuilder } from './PublicationBuilder';

const isvc = {
  ...isvcs.sklearnV1,
  metadata: { ...isvcs.sklearnV1.metadata, namespace: 'models' },
};

/** The headers the HTTPRoute's ResponseHeaderModifier sets (undefined without one). */
const routeHeaders = (objects: KubeObject[]) =>
  (
    objects.find(o => o.kind === 'HTTPRoute') as HTTPRoute
  ).spec!.rules![0].filters?.find(
    (f: any) => f.type === 'ResponseHeaderModifier',
  )?.responseHeaderModifier?.set;

function builder(
  more: Partial<ConstructorParameters<typeof PublicationBuilder>[0]> = {},
) {
  return new PublicationBuilder({
    gateway,
    models: { load: async () => ({ isvc, detection: detectModelKind(isvc) }) },
    keys: { readLiveSecretKeys: async () => ({ keys: [testKey(1)] }) },
    ...more,
  });
}

describe('PublicationBuilder', () => {
  it('plans the objects with the keys and response headers given', () => {
    const plan = builder().plan({
      publicationId: 'pub-1',
      isvc,
      kind: { kind: 'v1' },
      config: { rateLimits: { requestsPerMinute: 60 } },
      keys: [testKey(1)],
      context: undefined,
      responseHeaders: [{ name: 'Deprecation', value: '@1767225600' }],
    });
    expect(plan.objects.map(o => o.kind)).toEqual(
      expect.arrayContaining(['Secret', 'SecurityPolicy', 'HTTPRoute']),
    );
    expect(routeHeaders(plan.objects)).toEqual([
      { name: 'Deprecation', value: '@1767225600' },
    ]);
    const secret = plan.objects.find(o => o.kind === 'Secret')!;
    expect(Object.keys(secret.data ?? secret.stringData ?? {})).toEqual([
      'key-1',
    ]);
    expect(plan.endpoints[0].url).toContain('https://models.example.com');
  });

  it('rebuilds a settled publication from its record: its kind, its config, its response headers', async () => {
    const headers = jest.fn(async () => [
      { name: 'Deprecation', value: '@1767225600' },
    ]);
    const p = publicationOf({ modelKind: 'v1' });
    const plan = await builder({ responseHeaders: headers }).rebuild(p, []);
    expect(headers).toHaveBeenCalledWith('pub-1');
    expect(routeHeaders(plan.objects)).toEqual([
      { name: 'Deprecation', value: '@1767225600' },
    ]);
    expect(
      plan.objects.find(o => o.kind === 'HTTPRoute')!.metadata.labels,
    ).toMatchObject({
      'model-publishing/publication': 'pub-1',
    });
  });

  it('reads the live keys of a publication from the key service', async () => {
    expect(await builder().liveKeys({ id: 'pub-1' })).toEqual([testKey(1)]);
  });

  it('starts the serving context read at once and never leaves its refusal unhandled', async () => {
    const read = jest.fn(() => Promise.reject(new Error('forbidden')));
    const started = builder({ servingContext: { read } }).servingContext(
      publicationOf(),
      { fresh: true },
    );
    expect(read).toHaveBeenCalledWith(publicationOf(), { fresh: true });
    await expect(started).rejects.toThrow('forbidden');
    await expect(
      builder().servingContext(publicationOf(), { fresh: true }),
    ).resolves.toBeUndefined();
  });

  it('names the hostname an LLM occupies from the template, none for a path-routed model', () => {
    const b = builder();
    expect(
      b.hostnameOf({ namespace: 'models', name: 'qwen' }, 'openai', {
        rateLimits: {},
      }),
    ).toBe('qwen-models.llm.example.com');
    expect(b.hostnameOf(publicationOf({ modelKind: 'v1' }))).toBeUndefined();
  });

  it('records a new publication with the resource kind, the owned objects and the endpoints planned', () => {
    const plan = builder().plan({
      publicationId: 'pub-2',
      isvc,
      kind: { kind: 'v1' },
      config: { rateLimits: {} },
      keys: [],
      context: undefined,
    });
    const record = newPublication({
      id: 'pub-2',
      model: {
        cluster: 'local',
        namespace: 'models',
        name: isvc.metadata.name,
        owner: 'group:default/ml',
      },
      isvc,
      kind: { kind: 'v1' },
      config: { rateLimits: {} },
      planned: plan,
      actor: 'user:default/alice',
    });
    expect(record).toMatchObject({
      id: 'pub-2',
      resourceKind: 'InferenceService',
      modelKind: 'v1',
      owner: 'group:default/ml',
      createdBy: 'user:default/alice',
      endpoints: plan.endpoints,
    });
    expect(record.objects).toEqual(
      plan.objects.map(o => ({
        apiVersion: o.apiVersion,
        kind: o.kind,
        namespace: o.metadata.namespace,
        name: o.metadata.name,
      })),
    );
  });
});
