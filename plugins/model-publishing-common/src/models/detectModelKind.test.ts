import { detectModelKind } from './detectModelKind';
import { servedModelName } from './inspect';
import * as f from '@model-publishing/model-fixtures';

describe('detectModelKind', () => {
  it.each([
    // [case, isvc, runtime, kind, confidence, prefix, alternatives, reason must mention]
    [
      'LLMInferenceService',
      f.llmInferenceService,
      undefined,
      'openai',
      'high',
      '/v1',
      [],
      /LLMInferenceService/,
    ],
    [
      'modelFormat vLLM (any case), protocolVersion v2 ignored',
      f.vllm,
      undefined,
      'openai',
      'high',
      '/v1',
      [],
      /protocolVersion v2 is ignored/,
    ],
    [
      'runtime kserve-vllmserver',
      f.vllmRuntime,
      undefined,
      'openai',
      'high',
      '/v1',
      [],
      /kserve-vllmserver/,
    ],
    [
      'huggingface --task=text_generation',
      f.hfTextGeneration,
      undefined,
      'openai',
      'high',
      '/openai/v1',
      [],
      /--task text_generation/,
    ],
    [
      'huggingface --task text_embedding (split args)',
      f.hfEmbeddingSplitArgs,
      undefined,
      'openai',
      'high',
      '/openai/v1',
      [],
      /text_embedding/,
    ],
    [
      'legacy predictor.huggingface',
      f.hfLegacy,
      undefined,
      'openai',
      'high',
      '/openai/v1',
      [],
      /legacy predictor.huggingface/,
    ],
    [
      'huggingface fill_mask + v2',
      f.hfClassificationV2,
      undefined,
      'v2',
      'high',
      undefined,
      [],
      /fill_mask/,
    ],
    [
      'huggingface without --task',
      f.hfNoTask,
      undefined,
      'openai',
      'low',
      '/openai/v1',
      ['v1', 'v2'],
      /cannot tell/,
    ],
    [
      'huggingface runtime whose args carry --task',
      f.hfByRuntimeOnly,
      f.hfRuntimeWithTask,
      'openai',
      'high',
      '/openai/v1',
      [],
      /text_generation/,
    ],
    [
      'protocolVersion grpc-v2',
      f.grpcV2,
      undefined,
      'grpc',
      'high',
      undefined,
      [],
      /speaks gRPC.*cannot be published/,
    ],
    [
      'only container port h2c',
      f.h2cCustom,
      undefined,
      'grpc',
      'high',
      undefined,
      [],
      /h2c/,
    ],
    [
      'onnx (served by Triton) without protocolVersion',
      f.tritonOnnx,
      undefined,
      'v2',
      'high',
      undefined,
      [],
      /only the v2 protocol: modelFormat onnx/,
    ],
    [
      'legacy predictor.triton',
      f.legacyTriton,
      undefined,
      'v2',
      'high',
      undefined,
      [],
      /triton/,
    ],
    [
      'runtime kserve-mlserver',
      f.sklearnMlserver,
      undefined,
      'v2',
      'high',
      undefined,
      [],
      /MLServer/,
    ],
    [
      'ServingRuntime listing only v2',
      f.customFormatWithRuntime,
      f.customRuntimeV2Only,
      'v2',
      'high',
      undefined,
      [],
      /only v2, grpc-v2/,
    ],
    [
      'sklearn without protocolVersion',
      f.sklearnV1,
      undefined,
      'v1',
      'high',
      undefined,
      [],
      /default is v1/,
    ],
    [
      'xgboost protocolVersion v2',
      f.xgboostV2,
      undefined,
      'v2',
      'high',
      undefined,
      [],
      /protocolVersion v2/,
    ],
    [
      'pytorch protocolVersion v2',
      f.torchV2,
      undefined,
      'v2',
      'high',
      undefined,
      [],
      /pytorch/,
    ],
    [
      'legacy predictor.tensorflow',
      f.legacyTensorflow,
      undefined,
      'v1',
      'high',
      undefined,
      [],
      /predictor.tensorflow/,
    ],
    [
      'custom vLLM image',
      f.customVllmImage,
      undefined,
      'unknown',
      'low',
      '/v1',
      ['openai'],
      /vLLM image/,
    ],
    [
      'custom unknown image',
      f.customUnknown,
      undefined,
      'unknown',
      'low',
      undefined,
      ['openai', 'v1', 'v2'],
      /custom container/,
    ],
    [
      'transformer in front of sklearn',
      f.transformerSklearn,
      undefined,
      'v1',
      'low',
      undefined,
      ['openai', 'v2'],
      /sklearn-with-transformer-transformer/,
    ],
    [
      'annotation overrides detection',
      f.annotatedOpenai,
      undefined,
      'openai',
      'high',
      '/v1',
      [],
      /annotation model-publishing\/model-kind says openai \(detection alone said unknown\)/,
    ],
    [
      'invalid annotation is ignored, with a note',
      f.annotatedBad,
      undefined,
      'v1',
      'high',
      undefined,
      [],
      /"rest" was ignored/,
    ],
  ] as const)(
    '%s',
    (_case, isvc, runtime, kind, confidence, prefix, alternatives, reason) => {
      const d = detectModelKind(isvc, runtime);
      expect(d.kind).toBe(kind);
      expect(d.confidence).toBe(confidence);
      expect(d.openaiPathPrefix).toBe(prefix);
      expect(d.alternatives).toEqual(alternatives);
      expect(d.reason).toMatch(reason);
      // A reason a person reads: one or two sentences, no template leftovers.
      expect(d.reason).not.toMatch(/undefined|\[object/);
    },
  );

  it('lets the annotation confirm a huggingface model as openai with the huggingface prefix', () => {
    const d = detectModelKind({
      ...f.hfClassificationV2,
      metadata: {
        ...f.hfClassificationV2.metadata,
        annotations: { 'model-publishing/model-kind': 'openai' },
      },
    });
    expect(d).toMatchObject({
      kind: 'openai',
      confidence: 'high',
      openaiPathPrefix: '/openai/v1',
    });
    expect(d.reason).toMatch(/detection alone said v2/);
  });

  it('lets the annotation choose v2 for a model detection was unsure about', () => {
    const d = detectModelKind({
      ...f.hfNoTask,
      metadata: {
        ...f.hfNoTask.metadata,
        annotations: { 'model-publishing/model-kind': ' V2 ' },
      },
    });
    expect(d).toEqual({
      kind: 'v2',
      confidence: 'high',
      reason: expect.stringContaining('says v2'),
      alternatives: [],
    });
  });

  it('does not throw on an empty spec', () => {
    const d = detectModelKind({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'x' },
    });
    expect(d.kind).toBe('unknown');
  });
});

describe('servedModelName', () => {
  it.each([
    ['isvc name by default', f.sklearnV1, 'sklearn-iris'],
    ['--model_name=', f.hfTextGeneration, 'llama3'],
    ['--served-model-name <v>', f.vllm, 'qwen2.5-0.5b'],
    [
      'LLMInferenceService spec.model.name',
      f.llmInferenceService,
      'Qwen/Qwen2.5-7B-Instruct',
    ],
  ] as const)('%s', (_c, isvc, name) => {
    expect(servedModelName(isvc)).toBe(name);
  });
});
