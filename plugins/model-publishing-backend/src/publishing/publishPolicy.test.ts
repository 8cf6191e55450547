import type { ModelKindDetection } from '@model-publishing/plugin-model-publishing-common';
import type { KubeObject } from '../gateway/types';
import { checkPublish, ownerQuota, resolveKind } from './publishPolicy';

const detected = (d: Partial<ModelKindDetection>): ModelKindDetection => ({
  kind: 'v2',
  confidence: 'high',
  reason: 'test',
  alternatives: [],
  ...d,
});

describe('resolveKind', () => {
  it.each([
    [
      'the detected kind without a choice',
      detected({ kind: 'v1' }),
      undefined,
      { kind: 'v1' },
    ],
    [
      'the detected prefix of an LLM',
      detected({ kind: 'openai', openaiPathPrefix: '/openai/v1' }),
      undefined,
      { kind: 'openai', openaiPathPrefix: '/openai/v1' },
    ],
    [
      'a listed alternative',
      detected({ kind: 'v2', alternatives: ['v1'] }),
      'v1',
      { kind: 'v1' },
    ],
    [
      'any choice when detection is unsure',
      detected({ kind: 'v1', confidence: 'low' }),
      'openai',
      { kind: 'openai', openaiPathPrefix: '/v1' },
    ],
    [
      'any choice for an unknown kind',
      detected({ kind: 'unknown' }),
      'v2',
      { kind: 'v2' },
    ],
  ] as const)('takes %s', (_, detection, modelKind, expected) => {
    expect(
      resolveKind(detection, {
        rateLimits: {},
        ...(modelKind ? { modelKind } : {}),
      }),
    ).toEqual(expected);
  });

  it.each([
    [
      'gRPC',
      detected({ kind: 'grpc' }),
      undefined,
      /gRPC models cannot be published yet/,
    ],
    [
      'a contradicting choice',
      detected({ kind: 'v2' }),
      'openai',
      /openai contradicts the detected kind v2/,
    ],
    [
      'an unknown kind without a choice',
      detected({ kind: 'unknown', alternatives: ['v1'] }),
      undefined,
      /choose one of v1/,
    ],
  ] as const)(
    'refuses %s with a 422 naming modelKind',
    (_, detection, modelKind, message) => {
      const run = () =>
        resolveKind(detection, {
          rateLimits: {},
          ...(modelKind ? { modelKind } : {}),
        });
      expect(run).toThrow(message);
      expect(run).toThrow(
        expect.objectContaining({
          name: 'UnprocessableError',
          statusCode: 422,
        }),
      );
    },
  );
});

describe('checkPublish', () => {
  const model = {
    cluster: 'local',
    namespace: 'models',
    name: 'm',
    owner: 'group:default/ml',
  };
  const isvc = (ready: boolean): KubeObject => ({
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'm', namespace: 'models' },
    status: {
      conditions: [
        { type: 'Ready', status: ready ? 'True' : 'False', message: 'no GPU' },
      ],
    },
  });
  const check = (o: Partial<Parameters<typeof checkPublish>[0]>) =>
    checkPublish({
      model,
      config: { rateLimits: { requestsPerMinute: 10 } },
      mode: { creating: true, requireReady: true },
      loaded: { isvc: isvc(true), detection: detected({ kind: 'v2' }) },
      tenants: [],
      livePublications: 0,
      ...o,
    });

  it('returns the kind for a Ready model within the rules', () => {
    expect(check({})).toEqual({ kind: 'v2' });
  });

  it('refuses a model that is not Ready with a 409 quoting the condition, unless readiness is not required', () => {
    const loaded = { isvc: isvc(false), detection: detected({ kind: 'v2' }) };
    expect(() => check({ loaded })).toThrow(/is not Ready: no GPU/);
    expect(() => check({ loaded })).toThrow(
      expect.objectContaining({ name: 'ConflictError' }),
    );
    expect(
      check({ loaded, mode: { creating: false, requireReady: false } }),
    ).toEqual({ kind: 'v2' });
  });

  it('refuses token limits on a model that is not OpenAI-compatible, naming the field', () => {
    expect(() =>
      check({ config: { rateLimits: { tokensPerMinute: 1000 } } }),
    ).toThrow(
      /rateLimits\.tokensPerMinute: token limits apply to OpenAI-compatible models only/,
    );
    const llm = {
      isvc: isvc(true),
      detection: detected({ kind: 'openai', openaiPathPrefix: '/v1' }),
    };
    expect(
      check({ loaded: llm, config: { rateLimits: { tokensPerMinute: 1000 } } })
        .kind,
    ).toBe('openai');
  });

  it("refuses an example that is not a request body of the model's kind with a 400 naming the field", () => {
    const example = { instances: [[1, 2, 3]] }; // a v1 body, and this model is v2
    expect(() => check({ config: { rateLimits: {}, example } })).toThrow(
      /^example\.inputs:/,
    );
    expect(() => check({ config: { rateLimits: {}, example } })).toThrow(
      expect.objectContaining({ name: 'InputError' }),
    );
    const tensors = {
      inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }],
    };
    expect(check({ config: { rateLimits: {}, example: tensors } })).toEqual({
      kind: 'v2',
    });
  });

  it('applies the tenant rules: namespace and maxPublications', () => {
    const tenants = [
      { group: 'group:default/ml', namespaces: ['other'], maxPublications: 1 },
    ];
    expect(() => check({ tenants })).toThrow(
      /namespace: tenant group:default\/ml may publish from other only/,
    );
    const quota = [{ group: 'group:default/ml', maxPublications: 1 }];
    expect(() => check({ tenants: quota, livePublications: 1 })).toThrow(
      /maxPublications/,
    );
    expect(
      check({
        tenants: quota,
        livePublications: 1,
        mode: { creating: false, requireReady: true },
      }),
    ).toEqual({
      kind: 'v2',
    });
  });
});

describe('ownerQuota', () => {
  it('gives the store the tenant maximum and the 422 to throw when it is reached', () => {
    const quota = ownerQuota(
      [{ group: 'group:default/ml', maxPublications: 2 }],
      'group:default/ml',
    );
    expect(quota?.max).toBe(2);
    expect(quota?.exceeded(2)).toMatchObject({ name: 'UnprocessableError' });
    expect(ownerQuota([], 'group:default/ml')).toBeUndefined();
  });
});
