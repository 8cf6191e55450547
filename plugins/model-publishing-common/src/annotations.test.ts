import {
  ANNOTATION_CLUSTER,
  ANNOTATION_INFERENCE_SERVICE,
  getInferenceServiceRef,
  isInferenceServiceEntity,
  parseInferenceServiceRef,
} from './annotations';

describe('parseInferenceServiceRef', () => {
  it.each([
    ['fraud/sklearn-iris', undefined, { cluster: undefined, namespace: 'fraud', name: 'sklearn-iris' }],
    ['fraud/sklearn-iris', 'prod', { cluster: 'prod', namespace: 'fraud', name: 'sklearn-iris' }],
    ['local/genai/llama', undefined, { cluster: 'local', namespace: 'genai', name: 'llama' }],
    [' genai/llama ', undefined, { cluster: undefined, namespace: 'genai', name: 'llama' }],
  ])('parses %p', (value, cluster, expected) => {
    expect(parseInferenceServiceRef(value, cluster)).toEqual(expected);
  });

  it.each([
    [undefined],
    [''],
    ['just-a-name'],
    ['Fraud/Iris'],
    ['a/b/c/d'],
    ['ns/-bad'],
    [`ns/${'x'.repeat(64)}`],
  ])('rejects %p', value => {
    expect(parseInferenceServiceRef(value)).toBeUndefined();
  });
});

describe('getInferenceServiceRef', () => {
  it('reads the design annotations from an entity', () => {
    const entity = {
      metadata: {
        annotations: {
          [ANNOTATION_INFERENCE_SERVICE]: 'genai/llama',
          [ANNOTATION_CLUSTER]: 'local',
        },
      },
    };
    expect(getInferenceServiceRef(entity)).toEqual({
      cluster: 'local',
      namespace: 'genai',
      name: 'llama',
    });
    expect(isInferenceServiceEntity(entity)).toBe(true);
    expect(isInferenceServiceEntity({ metadata: {} })).toBe(false);
  });
});
