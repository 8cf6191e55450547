import type { KubeObjectLike } from '../mapping/types';

const ready = { conditions: [{ type: 'Ready', status: 'True' }] };

function isvc(
  ns: string,
  name: string,
  predictor: object,
  extra: Partial<KubeObjectLike> = {},
): KubeObjectLike {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { namespace: ns, name, ...extra.metadata },
    spec: { predictor },
    status: extra.status ?? {
      ...ready,
      url: `http://${name}.${ns}.example.com`,
    },
  };
}

/** One manifest per model kind the catalog must describe (docs/design.md §3). */
export const sklearnV1 = isvc('fraud', 'sklearn-iris', {
  model: {
    modelFormat: { name: 'sklearn' },
    storageUri: 'gs://kfserving-examples/models/sklearn/1.0/model',
  },
});

export const xgboostV2 = isvc('fraud', 'xgboost-iris', {
  model: {
    modelFormat: { name: 'xgboost' },
    protocolVersion: 'v2',
    runtime: 'kserve-mlserver',
    storageUri: 'gs://kfserving-examples/models/xgboost/iris',
  },
});

export const huggingfaceLlm = isvc(
  'genai',
  'qwen-chat',
  {
    model: {
      modelFormat: { name: 'huggingface' },
      args: ['--model_name=qwen', '--task=text_generation'],
      storageUri: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
    },
  },
  { status: { ...ready, servingRuntimeName: 'kserve-huggingfaceserver' } },
);

export const vllm = isvc('genai', 'llama-vllm', {
  model: {
    modelFormat: { name: 'vLLM' },
    runtime: 'kserve-vllmserver',
    storageUri: 'hf://meta-llama/Llama-3.1-8B',
  },
});

export const llmInferenceService: KubeObjectLike = {
  apiVersion: 'serving.kserve.io/v1alpha2',
  kind: 'LLMInferenceService',
  metadata: { namespace: 'genai', name: 'llama-3' },
  spec: {
    model: {
      uri: 'hf://meta-llama/Llama-3.1-8B-Instruct',
      name: 'meta-llama/Llama-3.1-8B-Instruct',
    },
  },
  status: { ...ready, url: 'http://llama-3.genai.example.com' },
};

export const notReady = isvc(
  'fraud',
  'broken-model',
  { model: { modelFormat: { name: 'sklearn' }, storageUri: 'gs://nowhere' } },
  {
    status: {
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'ModelLoadFailed',
          message: 'storage URI not found',
        },
      ],
    },
  },
);

export const legacySklearn = isvc('fraud', 'legacy-iris', {
  sklearn: {
    storageUri: 'gs://kfserving-examples/models/sklearn/1.0/model',
    protocolVersion: 'v2',
  },
});

export function namespace(
  name: string,
  meta: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): KubeObjectLike {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...meta } };
}

export function withMeta(
  obj: KubeObjectLike,
  meta: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    namespace?: string;
    name?: string;
  },
): KubeObjectLike {
  return { ...obj, metadata: { ...obj.metadata, ...meta } };
}
