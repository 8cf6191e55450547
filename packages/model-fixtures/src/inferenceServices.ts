/**
 * A manifest as the API server returns it: typed strictly enough to pass as the backend's KubeObject
 * and loosely enough to pass as a ModelManifest, so one set of fixtures serves both packages' tests.
 */
export interface FixtureManifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec?: any;
  status?: any;
}

/** Real-shaped KServe v0.20 manifests (as returned by the API server), for tests. */
function isvc(
  name: string,
  spec: any,
  annotations?: Record<string, string>,
): FixtureManifest {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name,
      namespace: 'models',
      uid: `0b6f1c2e-0000-4000-8000-${name.length
        .toString()
        .padStart(12, '0')}`,
      ...(annotations ? { annotations } : {}),
    },
    spec,
  };
}

const storage = (path: string) => ({
  storageUri: `gs://kfserving-examples/models/${path}`,
});

/** A predictor that names a model format (KServe's current form); `model` holds the rest of its fields. */
function modelPredictor(
  format: string | { name: string; version: string },
  model: object = {},
) {
  const modelFormat = typeof format === 'string' ? { name: format } : format;
  return { predictor: { model: { modelFormat, ...model } } };
}

/** An InferenceService whose predictor names a model format (modelPredictor). */
const modelIsvc = (
  name: string,
  format: Parameters<typeof modelPredictor>[0],
  model?: object,
  annotations?: Record<string, string>,
) => isvc(name, modelPredictor(format, model), annotations);

/** KServe's main container, the name a custom predictor's or transformer's container must have. */
const kserveContainer = (image: string, fields: object = {}) => ({
  name: 'kserve-container',
  image,
  ...fields,
});

/** A custom predictor: containers of its own instead of a model format. */
const customPredictor = (...containers: object[]) => ({
  predictor: { containers },
});

/** A ServingRuntime in the models namespace, or (no namespace) a cluster-wide ClusterServingRuntime. */
function servingRuntime(
  name: string,
  namespace: string | undefined,
  spec: object,
): FixtureManifest {
  return {
    apiVersion: 'serving.kserve.io/v1alpha1',
    kind: namespace ? 'ServingRuntime' : 'ClusterServingRuntime',
    metadata: namespace ? { name, namespace } : { name },
    spec,
  };
}

export const sklearnV1 = modelIsvc(
  'sklearn-iris',
  'sklearn',
  storage('sklearn/1.0/model'),
);

export const xgboostV2 = modelIsvc('xgboost-iris', 'xgboost', {
  protocolVersion: 'v2',
  runtime: 'kserve-xgbserver',
  ...storage('xgboost/iris'),
});

export const sklearnMlserver = modelIsvc(
  'sklearn-mlserver',
  { name: 'sklearn', version: '1' },
  { runtime: 'kserve-mlserver', ...storage('mlserver/sklearn/iris') },
);

export const tritonOnnx = modelIsvc(
  'densenet-onnx',
  'onnx',
  storage('onnx/densenet'),
);

export const legacyTensorflow = isvc('flower-sample', {
  predictor: { tensorflow: { ...storage('tensorflow/flowers') } },
});

export const legacyTriton = isvc('triton-legacy', {
  predictor: {
    triton: { ...storage('triton/simple_string'), runtimeVersion: '23.05-py3' },
  },
});

export const torchV2 = modelIsvc('mnist-v2', 'pytorch', {
  protocolVersion: 'v2',
  ...storage('torchserve/mnist/v2'),
});

export const hfTextGeneration = modelIsvc('huggingface-llama3', 'huggingface', {
  args: [
    '--model_name=llama3',
    '--model_id=meta-llama/meta-llama-3-8b-instruct',
    '--task=text_generation',
  ],
  resources: {
    limits: { cpu: '6', memory: '24Gi', 'nvidia.com/gpu': '1' },
  },
});

export const hfEmbeddingSplitArgs = modelIsvc('hf-embed', 'huggingface', {
  args: [
    '--model_id',
    'sentence-transformers/all-MiniLM-L6-v2',
    '--task',
    'text_embedding',
  ],
});

export const hfClassificationV2 = modelIsvc('huggingface-bert', 'huggingface', {
  protocolVersion: 'v2',
  args: [
    '--model_name=bert',
    '--model_id=google-bert/bert-base-uncased',
    '--task=fill_mask',
  ],
});

export const hfNoTask = modelIsvc('hf-t5', 'huggingface', {
  args: ['--model_name=t5', '--model_id=google-t5/t5-small'],
});

export const hfLegacy = isvc('hf-legacy', {
  predictor: {
    huggingface: {
      args: [
        '--model_name=gpt2',
        '--model_id=openai-community/gpt2',
        '--task=text2text_generation',
      ],
    },
  },
});

export const vllm = modelIsvc('vllm-qwen', 'vLLM', {
  // vLLM ignores this; rule 2 says so.
  protocolVersion: 'v2',
  args: ['--served-model-name', 'qwen2.5-0.5b', '--max-model-len=4096'],
  storageUri: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
});

export const vllmRuntime = modelIsvc('vllm-by-runtime', 'huggingface', {
  runtime: 'kserve-vllmserver',
  storageUri: 'hf://x/y',
});

export const grpcV2 = modelIsvc('grpc-triton', 'triton', {
  protocolVersion: 'grpc-v2',
  ...storage('triton/simple'),
});

export const h2cCustom = isvc(
  'grpc-custom',
  customPredictor(
    kserveContainer('example.com/grpc-server:1', {
      ports: [{ name: 'h2c', containerPort: 8081, protocol: 'TCP' }],
    }),
  ),
);

export const customVllmImage = isvc(
  'custom-vllm',
  customPredictor(
    kserveContainer('vllm/vllm-openai:v0.8.5', {
      args: ['--model', 'Qwen/Qwen2.5-0.5B-Instruct', '--port', '8080'],
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
    }),
  ),
);

export const customUnknown = isvc(
  'custom-flask',
  customPredictor(kserveContainer('example.com/team/scoring:2.1')),
);

export const transformerSklearn = isvc('sklearn-with-transformer', {
  ...modelPredictor('sklearn', storage('sklearn/1.0/model')),
  transformer: {
    containers: [
      kserveContainer('example.com/feast-transformer:1', {
        args: ['--feast_url', 'feast:6566'],
      }),
    ],
  },
});

export const annotatedOpenai = isvc(
  'custom-annotated',
  customPredictor(kserveContainer('example.com/llm:1')),
  { 'model-publishing/model-kind': 'openai' },
);

export const annotatedBad = modelIsvc(
  'sklearn-bad-annotation',
  'sklearn',
  storage('sklearn/1.0/model'),
  { 'model-publishing/model-kind': 'rest' },
);

export const llmInferenceService: FixtureManifest = {
  apiVersion: 'serving.kserve.io/v1alpha2',
  kind: 'LLMInferenceService',
  metadata: {
    name: 'qwen-llmd',
    namespace: 'models',
    uid: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  },
  spec: {
    model: {
      uri: 'hf://Qwen/Qwen2.5-7B-Instruct',
      name: 'Qwen/Qwen2.5-7B-Instruct',
    },
    replicas: 1,
    router: { scheduler: {}, route: {}, gateway: {} },
  },
};

/** A ServingRuntime as installed by KServe's default runtimes (abbreviated). */
export const mlserverRuntime = servingRuntime('kserve-mlserver', undefined, {
  protocolVersions: ['v2'],
  supportedModelFormats: [
    { name: 'sklearn', version: '1', autoSelect: true, priority: 2 },
    { name: 'xgboost', version: '2', autoSelect: true, priority: 2 },
    { name: 'mlflow', version: '1', autoSelect: true, priority: 1 },
  ],
  containers: [kserveContainer('docker.io/seldonio/mlserver:1.7.1')],
});

export const customRuntimeV2Only = servingRuntime('team-runtime', 'models', {
  protocolVersions: ['v2', 'grpc-v2'],
  supportedModelFormats: [{ name: 'custom-format', autoSelect: true }],
  containers: [kserveContainer('example.com/team/server:3')],
});

export const customFormatWithRuntime = modelIsvc(
  'team-model',
  'custom-format',
  {
    runtime: 'team-runtime',
    storageUri: 's3://b/m',
  },
);

export const hfRuntimeWithTask = servingRuntime('team-hf', 'models', {
  supportedModelFormats: [{ name: 'huggingface', autoSelect: true }],
  protocolVersions: ['v2', 'v1'],
  containers: [
    kserveContainer('kserve/huggingfaceserver:v0.20.0', {
      args: ['--model_name={{.Name}}', '--task', 'text_generation'],
    }),
  ],
});

export const hfByRuntimeOnly = modelIsvc('hf-runtime', 'huggingface', {
  runtime: 'team-hf',
  storageUri: 'hf://a/b',
});
