import { detectModelKind } from '@model-publishing/plugin-model-publishing-common';
import { buildComponentEntities } from './componentEntities';
import type {
  ClusterSnapshot,
  ComponentMappingOptions,
  KubeObjectLike,
} from './types';
import {
  huggingfaceLlm,
  legacySklearn,
  llmInferenceService,
  namespace,
  notReady,
  sklearnV1,
  vllm,
  withMeta,
  xgboostV2,
} from '../__fixtures__/models';

const options: ComponentMappingOptions = {
  cluster: 'local',
  locationKey: 'model-publishing:local',
  defaults: { owner: 'group:default/unknown', lifecycle: 'production' },
};

function snapshot(
  models: KubeObjectLike[],
  namespaces: KubeObjectLike[] = [],
): ClusterSnapshot {
  return {
    inferenceServices: models.filter(m => m.kind === 'InferenceService'),
    llmInferenceServices: models.filter(m => m.kind === 'LLMInferenceService'),
    namespaces,
  };
}

function one(
  model: KubeObjectLike,
  namespaces: KubeObjectLike[] = [],
  opts = options,
) {
  const [c] = buildComponentEntities(snapshot([model], namespaces), opts);
  return c.entity;
}

describe('buildComponentEntities', () => {
  it('maps a sklearn v1 InferenceService to a full Component', () => {
    expect(one(sklearnV1)).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'sklearn-iris',
        namespace: 'default',
        description:
          'KServe InferenceService fraud/sklearn-iris in cluster local',
        annotations: {
          'backstage.io/managed-by-location': 'model-publishing:local',
          'backstage.io/managed-by-origin-location': 'model-publishing:local',
          'model-publishing/inference-service': 'fraud/sklearn-iris',
          'model-publishing/cluster': 'local',
          'backstage.io/kubernetes-id': 'sklearn-iris',
          'backstage.io/kubernetes-namespace': 'fraud',
          'backstage.io/kubernetes-label-selector':
            'serving.kserve.io/inferenceservice=sklearn-iris',
          'model-publishing/resource-kind': 'InferenceService',
          'model-publishing/model-format': 'sklearn',
          'model-publishing/storage-uri':
            'gs://kfserving-examples/models/sklearn/1.0/model',
          'model-publishing/url': 'http://sklearn-iris.fraud.example.com',
        },
        labels: { 'model-publishing/ready': 'true' },
        tags: ['kserve', 'sklearn'],
      },
      spec: {
        type: 'inference-service',
        lifecycle: 'production',
        owner: 'group:default/unknown',
      },
    });
  });

  it.each([
    [
      'xgboost v2',
      xgboostV2,
      {
        format: 'xgboost',
        runtime: 'kserve-mlserver',
        protocol: 'v2',
        kind: 'InferenceService',
      },
      ['kserve', 'xgboost'],
    ],
    [
      'Hugging Face LLM',
      huggingfaceLlm,
      {
        format: 'huggingface',
        runtime: 'kserve-huggingfaceserver',
        protocol: undefined,
        kind: 'InferenceService',
      },
      ['kserve', 'huggingface'],
    ],
    [
      'vLLM (format lower-cased)',
      vllm,
      {
        format: 'vllm',
        runtime: 'kserve-vllmserver',
        protocol: undefined,
        kind: 'InferenceService',
      },
      ['kserve', 'vllm'],
    ],
    [
      'LLMInferenceService',
      llmInferenceService,
      {
        format: 'vllm',
        runtime: 'llm-d',
        protocol: undefined,
        kind: 'LLMInferenceService',
      },
      ['kserve', 'llm', 'vllm'],
    ],
    [
      'legacy predictor.sklearn',
      legacySklearn,
      {
        format: 'sklearn',
        runtime: undefined,
        protocol: 'v2',
        kind: 'InferenceService',
      },
      ['kserve', 'sklearn'],
    ],
  ])(
    'describes %s: format, runtime, protocol, tags',
    (_, model, expected, tags) => {
      const entity = one(model);
      const a = entity.metadata.annotations!;
      expect(a['model-publishing/model-format']).toBe(expected.format);
      expect(a['model-publishing/runtime']).toBe(expected.runtime);
      expect(a['model-publishing/protocol-version']).toBe(expected.protocol);
      expect(a['model-publishing/resource-kind']).toBe(expected.kind);
      expect(entity.metadata.labels).toEqual({
        'model-publishing/ready': 'true',
      });
      expect(entity.metadata.tags).toEqual(tags);
      expect(entity.spec.type).toBe('inference-service');
    },
  );

  it('points the Kubernetes tab at the pods KServe creates for an LLMInferenceService', () => {
    expect(
      one(llmInferenceService).metadata.annotations![
        'backstage.io/kubernetes-label-selector'
      ],
    ).toBe(
      'app.kubernetes.io/name=llama-3,app.kubernetes.io/part-of=llminferenceservice',
    );
  });

  it('marks a model that is not ready and says why', () => {
    const entity = one(notReady);
    expect(entity.metadata.labels).toEqual({
      'model-publishing/ready': 'false',
    });
    expect(entity.metadata.annotations!['model-publishing/ready-message']).toBe(
      'ModelLoadFailed: storage URI not found',
    );
    expect(
      entity.metadata.annotations!['model-publishing/url'],
    ).toBeUndefined();
  });

  it('treats a model without a Ready condition as not ready', () => {
    const entity = one({ ...sklearnV1, status: {} });
    expect(entity.metadata.labels!['model-publishing/ready']).toBe('false');
    expect(entity.metadata.annotations!['model-publishing/ready-message']).toBe(
      'No Ready condition reported yet',
    );
  });

  it('records the detected kind when a detector is plugged in, and survives a detector that throws', () => {
    const detect = jest.fn().mockReturnValue({
      kind: 'openai',
      confidence: 'high',
      reason: 'vLLM',
      alternatives: [],
    });
    const entity = one(vllm, [], { ...options, detect });
    expect(detect).toHaveBeenCalledWith(vllm);
    expect(entity.metadata.annotations!['model-publishing/detected-kind']).toBe(
      'openai',
    );
    expect(
      entity.metadata.annotations!['model-publishing/detected-confidence'],
    ).toBe('high');
    expect(entity.metadata.tags).toEqual(['kserve', 'vllm', 'openai']);

    const broken = one(vllm, [], {
      ...options,
      detect: () => {
        throw new Error('bug');
      },
    });
    expect(
      broken.metadata.annotations!['model-publishing/detected-kind'],
    ).toBeUndefined();
  });

  it.each([
    ['sklearn v1', sklearnV1, 'v1', 'high'],
    ['xgboost v2', xgboostV2, 'v2', 'high'],
    ['legacy predictor, protocolVersion v2', legacySklearn, 'v2', 'high'],
    ['Hugging Face --task text_generation', huggingfaceLlm, 'openai', 'high'],
    ['vLLM', vllm, 'openai', 'high'],
    ['LLMInferenceService', llmInferenceService, 'openai', 'high'],
  ])(
    'with the shared detectModelKind: %s → %s',
    (_, model, kind, confidence) => {
      const entity = one(model, [], { ...options, detect: detectModelKind });
      expect(entity.metadata.annotations).toMatchObject({
        'model-publishing/detected-kind': kind,
        'model-publishing/detected-confidence': confidence,
      });
      expect(entity.metadata.tags).toContain(kind);
    },
  );

  it('skips objects without a name or namespace instead of emitting invalid entities', () => {
    const nameless = { ...sklearnV1, metadata: { namespace: 'fraud' } };
    expect(
      buildComponentEntities(snapshot([nameless, xgboostV2]), options).map(
        c => c.entity.metadata.name,
      ),
    ).toEqual(['xgboost-iris']);
  });

  it('adds providesApis for the model refs given', () => {
    const [c] = buildComponentEntities(
      snapshot([sklearnV1]),
      options,
      new Map([['fraud/sklearn-iris', ['sklearn-iris-api']]]),
    );
    expect(c.entity.spec.providesApis).toEqual(['sklearn-iris-api']);
  });
});

describe('owner, system and lifecycle precedence', () => {
  const ns = namespace('fraud', {
    annotations: {
      'backstage.io/owner': 'group:default/ns-annotation',
      'backstage.io/system': 'ns-system',
    },
    labels: {
      'backstage.io/owner': 'ns-label',
      'backstage.io/lifecycle': 'experimental',
    },
  });

  it('uses the defaults when nothing is set', () => {
    expect(one(sklearnV1).spec).toMatchObject({
      owner: 'group:default/unknown',
      lifecycle: 'production',
    });
    expect(one(sklearnV1).spec.system).toBeUndefined();
    expect(
      one(sklearnV1, [], {
        ...options,
        defaults: { owner: 'team-x', lifecycle: 'beta', system: 'ml' },
      }).spec,
    ).toMatchObject({ owner: 'team-x', lifecycle: 'beta', system: 'ml' });
  });

  it('falls back to the Namespace: annotations before labels', () => {
    expect(one(sklearnV1, [ns]).spec).toMatchObject({
      owner: 'group:default/ns-annotation',
      system: 'ns-system',
      lifecycle: 'experimental',
    });
    const labelsOnly = namespace('fraud', {
      labels: { 'backstage.io/owner': 'ns-label' },
    });
    expect(one(sklearnV1, [labelsOnly]).spec.owner).toBe('ns-label');
  });

  it('prefers the InferenceService over its Namespace, and its label over the Namespace annotation', () => {
    const labelled = withMeta(sklearnV1, {
      labels: { 'backstage.io/owner': 'isvc-label' },
    });
    expect(one(labelled, [ns]).spec.owner).toBe('isvc-label');
    const annotated = withMeta(sklearnV1, {
      labels: { 'backstage.io/owner': 'isvc-label' },
      annotations: {
        'backstage.io/owner': 'group:fraud/isvc-annotation',
        'backstage.io/lifecycle': 'deprecated',
      },
    });
    expect(one(annotated, [ns]).spec).toMatchObject({
      owner: 'group:fraud/isvc-annotation',
      lifecycle: 'deprecated',
      system: 'ns-system',
    });
  });

  it('prefers model-publishing/<key> over backstage.io/<key> on the same object', () => {
    const both = withMeta(sklearnV1, {
      annotations: {
        'backstage.io/owner': 'generic',
        'model-publishing/owner': 'specific',
        'model-publishing/system': 'fraud-platform',
      },
    });
    expect(one(both).spec).toMatchObject({
      owner: 'specific',
      system: 'fraud-platform',
    });
  });

  it('skips an invalid value and falls through to the next source', () => {
    const bad = withMeta(sklearnV1, {
      annotations: {
        'backstage.io/owner': 'group:',
        'backstage.io/lifecycle': 'not a lifecycle',
      },
    });
    expect(one(bad, [ns]).spec).toMatchObject({
      owner: 'group:default/ns-annotation',
      lifecycle: 'experimental',
    });
  });
});

describe('entity names', () => {
  const names = (models: KubeObjectLike[], opts = options) =>
    buildComponentEntities(snapshot(models), opts).map(c => [
      c.entity.metadata.annotations!['model-publishing/inference-service'],
      c.entity.metadata.name,
      c.entity.metadata.title,
    ]);

  it('uses <namespace>-<name> for every model that shares a name, <name> otherwise, whatever the order', () => {
    const a = withMeta(sklearnV1, { namespace: 'team-a', name: 'iris' });
    const b = withMeta(sklearnV1, { namespace: 'team-b', name: 'iris' });
    const expected = [
      ['team-a/iris', 'team-a-iris', 'iris (team-a)'],
      ['team-b/iris', 'team-b-iris', 'iris (team-b)'],
      ['fraud/xgboost-iris', 'xgboost-iris', undefined],
    ];
    expect(names([a, b, xgboostV2])).toEqual(expected);
    expect(names([xgboostV2, b, a])).toEqual(expected);
  });

  it('separates an InferenceService and an LLMInferenceService of the same namespace and name', () => {
    const isvc = withMeta(vllm, { namespace: 'genai', name: 'llama-3' });
    expect(
      names([isvc, llmInferenceService])
        .map(n => n[1])
        .sort(),
    ).toEqual(['genai-llama-3-isvc', 'genai-llama-3-llm']);
  });

  it("keeps names unique when <namespace>-<name> equals another model's name", () => {
    const a = withMeta(sklearnV1, { namespace: 'a', name: 'iris' });
    const b = withMeta(sklearnV1, { namespace: 'b', name: 'iris' });
    const literal = withMeta(sklearnV1, { namespace: 'c', name: 'a-iris' });
    const result = names([a, b, literal]).map(n => n[1]);
    expect(new Set(result).size).toBe(3);
    expect(result).toContain('b-iris');
  });

  it('keeps long names within 63 characters and distinct', () => {
    const ns = 'n'.repeat(63);
    const a = withMeta(sklearnV1, {
      namespace: ns,
      name: `${'m'.repeat(60)}-a`,
    });
    const b = withMeta(sklearnV1, {
      namespace: `${ns.slice(1)}x`,
      name: `${'m'.repeat(60)}-a`,
    });
    const result = names([a, b]).map(n => n[1]!);
    expect(
      result.every(
        n => n.length <= 63 && /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/.test(n),
      ),
    ).toBe(true);
    expect(new Set(result).size).toBe(2);
  });

  it('applies the configured prefix', () => {
    expect(names([sklearnV1], { ...options, namePrefix: 'prod-' })[0][1]).toBe(
      'prod-sklearn-iris',
    );
  });
});
