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

export const sklearnV1 = isvc('sklearn-iris', {
  predictor: {
    model: {
      modelFormat: { name: 'sklearn' },
      ...storage('sklearn/1.0/model'),
    },
  },
});

export const xgboostV2 = isvc('xgboost-iris', {
  predictor: {
    model: {
      modelFormat: { name: 'xgboost' },
      protocolVersion: 'v2',
      runtime: 'kserve-xgbserver',
      ...storage('xgboost/iris'),
    },
  },
});

export const sklearnMlserver = isvc('sklearn-mlserver', {
  predictor: {
    model: {
      modelFormat: { name: 'sklearn', version: '1' },
      runtime: 'kserve-mlserver',
      ...storage('mlserver/sklearn/iris'),
    },
  },
});

export const tritonOnnx = isvc('densenet-onnx', {
  predictor: {
    model: { modelFormat: { name: 'onnx' }, ...storage('onnx/densenet') },
  },
});

export const legacyTensorflow = isvc('flower-sample', {
  predictor: { tensorflow: { ...storage('tensorflow/flowers') } },
});

export const legacyTriton = isvc('triton-legacy', {
  predictor: {
    triton: { ...storage('triton/simple_string'), runtimeVersion: '23.05-py3' },
  },
});

export const torchV2 = isvc('mnist-v2', {
  predictor: {
    model: {
      modelFormat: { name: 'pytorch' },
      protocolVersion: 'v2',
      ...storage('torchserve/mnist/v2'),
    },
  },
});

export const hfTextGeneration = isvc('huggingface-llama3', {
  predictor: {
    model: {
      modelFormat: { name: 'huggingface' },
      args: [
        '--model_name=llama3',
        '--model_id=meta-llama/meta-llama-3-8b-instruct',
        '--task=text_generation',
      ],
      resources: {
        limits: { cpu: '6', memory: '24Gi', 'nvidia.com/gpu': '1' },
      },
    },
  },
});

export const hfEmbeddingSplitArgs = isvc('hf-embed', {
  predictor: {
    model: {
      modelFormat: { name: 'huggingface' },
      args: [
        '--model_id',
        'sentence-transformers/all-MiniLM-L6-v2',
        '--task',
        'text_embedding',
      ],
    },
  },
});

export const hfClassificationV2 = isvc('huggingface-bert', {
  predictor: {
    model: {
      modelFormat: { name: 'huggingface' },
      protocolVersion: 'v2',
      args: [
        '--model_name=bert',
        '--model_id=google-bert/bert-base-uncased',
        '--task=fill_mask',
      ],
    },
  },
});

export const hfNoTask = isvc('hf-t5', {
  predictor: {
    model: {
      modelFormat: { name: 'huggingface' },
      args: ['--model_name=t5', '--model_id=google-t5/t5-small'],
    },
  },
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

export const vllm = isvc('vllm-qwen', {
  predictor: {
    model: {
      modelFormat: { name: 'vLLM' },
      // vLLM ignores this; rule 2 says so.
      protocolVersion: 'v2',
      args: ['--served-model-name', 'qwen2.5-0.5b', '--max-model-len=4096'],
      storageUri: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
    },
  },
});

export const vllmRuntime = isvc('vllm-by-runtime', {
  predictor: {
    model: {
      modelFormat: { name: 'huggingface' },
      runtime: 'kserve-vllmserver',
      storageUri: 'hf://x/y',
    },
  },
});

export const grpcV2 = isvc('grpc-triton', {
  predictor: {
    model: {
      modelFormat: { name: 'triton' },
      protocolVersion: 'grpc-v2',
      ...storage('triton/simple'),
    },
  },
});

export const h2cCustom = isvc('grpc-custom', {
  predictor: {
    containers: [
      {
        name: 'kserve-container',
        image: 'example.com/grpc-server:1',
        ports: [{ name: 'h2c', containerPort: 8081, protocol: 'TCP' }],
      },
    ],
  },
});

export const customVllmImage = isvc('custom-vllm', {
  predictor: {
    containers: [
      {
        name: 'kserve-container',
        image: 'vllm/vllm-openai:v0.8.5',
        args: ['--model', 'Qwen/Qwen2.5-0.5B-Instruct', '--port', '8080'],
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
      },
    ],
  },
});

export const customUnknown = isvc('custom-flask', {
  predictor: {
    containers: [
      { name: 'kserve-container', image: 'example.com/team/scoring:2.1' },
    ],
  },
});

export const transformerSklearn = isvc('sklearn-with-transformer', {
  predictor: {
    model: {
      modelFormat: { name: 'sklearn' },
      ...storage('sklearn/1.0/model'),
    },
  },
  transformer: {
    containers: [
      {
        name: 'kserve-container',
        image: 'example.com/feast-transformer:1',
        args: ['--feast_url', 'feast:6566'],
      },
    ],
  },
});

export const annotatedOpenai = isvc(
  'custom-annotated',
  {
    predictor: {
      containers: [{ name: 'kserve-container', image: 'example.com/llm:1' }],
    },
  },
  { 'model-publishing/model-kind': 'openai' },
);

export const annotatedBad = isvc(
  'sklearn-bad-annotation',
  {
    predictor: {
      model: {
        modelFormat: { name: 'sklearn' },
        ...storage('sklearn/1.0/model'),
      },
    },
  },
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
export const mlserverRuntime: FixtureManifest = {
  apiVersion: 'serving.kserve.io/v1alpha1',
  kind: 'ClusterServingRuntime',
  metadata: { name: 'kserve-mlserver' },
  spec: {
    protocolVersions: ['v2'],
    supportedModelFormats: [
      { name: 'sklearn', version: '1', autoSelect: true, priority: 2 },
      { name: 'xgboost', version: '2', autoSelect: true, priority: 2 },
      { name: 'mlflow', version: '1', autoSelect: true, priority: 1 },
    ],
    containers: [
      { name: 'kserve-container', image: 'docker.io/seldonio/mlserver:1.7.1' },
    ],
  },
};

export const customRuntimeV2Only: FixtureManifest = {
  apiVersion: 'serving.kserve.io/v1alpha1',
  kind: 'ServingRuntime',
  metadata: { name: 'team-runtime', namespace: 'models' },
  spec: {
    protocolVersions: ['v2', 'grpc-v2'],
    supportedModelFormats: [{ name: 'custom-format', autoSelect: true }],
    containers: [
      { name: 'kserve-container', image: 'example.com/team/server:3' },
    ],
  },
};

export const customFormatWithRuntime = isvc('team-model', {
  predictor: {
    model: {
      modelFormat: { name: 'custom-format' },
      runtime: 'team-runtime',
      storageUri: 's3://b/m',
    },
  },
});

export const hfRuntimeWithTask: FixtureManifest = {
  apiVersion: 'serving.kserve.io/v1alpha1',
  kind: 'ServingRuntime',
  metadata: { name: 'team-hf', namespace: 'models' },
  spec: {
    supportedModelFormats: [{ name: 'huggingface', autoSelect: true }],
    protocolVersions: ['v2', 'v1'],
    containers: [
      {
        name: 'kserve-container',
        image: 'kserve/huggingfaceserver:v0.20.0',
        args: ['--model_name={{.Name}}', '--task', 'text_generation'],
      },
    ],
  },
};

export const hfByRuntimeOnly = isvc('hf-runtime', {
  predictor: {
    model: {
      modelFormat: { name: 'huggingface' },
      runtime: 'team-hf',
      storageUri: 'hf://a/b',
    },
  },
});
