import { openaiTask } from './openaiTask';

const hf = (args?: string[]) => ({
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: { name: 'm', namespace: 'ns' },
  spec: {
    predictor: {
      model: {
        modelFormat: { name: 'huggingface' },
        ...(args ? { args } : {}),
      },
    },
  },
});
const vllm = (args: string[]) => ({
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: { name: 'm', namespace: 'ns' },
  spec: { predictor: { model: { modelFormat: { name: 'vllm' }, args } } },
});

describe('openaiTask', () => {
  it.each([
    [
      'Hugging Face --task text_generation',
      hf(['--task=text_generation']),
      'generate',
    ],
    [
      'Hugging Face --task text2text-generation',
      hf(['--task', 'text2text-generation']),
      'generate',
    ],
    [
      'Hugging Face --task text_embedding',
      hf(['--task=text_embedding']),
      'embed',
    ],
    ['Hugging Face without --task', hf(), undefined],
    ['vLLM by default', vllm([]), 'generate'],
    ['vLLM --task embed', vllm(['--task', 'embed']), 'embed'],
    ['vLLM --runner pooling', vllm(['--runner=pooling']), 'embed'],
    [
      'an LLMInferenceService',
      {
        apiVersion: 'serving.kserve.io/v1alpha1',
        kind: 'LLMInferenceService',
        metadata: { name: 'l' },
        spec: {},
      },
      'generate',
    ],
    [
      'a predictive model',
      {
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        metadata: { name: 's' },
        spec: { predictor: { model: { modelFormat: { name: 'sklearn' } } } },
      },
      undefined,
    ],
  ])('%s → %s', (_, manifest, expected) => {
    expect(openaiTask(manifest)).toBe(expected);
  });
});
