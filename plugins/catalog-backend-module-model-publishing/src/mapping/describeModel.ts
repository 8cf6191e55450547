import type { KubeObjectLike } from './types';

/** What the catalog shows about a model, read from its manifest and status (no detection). */
export interface ModelSummary {
  resourceKind: 'InferenceService' | 'LLMInferenceService';
  namespace: string;
  name: string;
  modelFormat?: string;
  runtime?: string;
  protocolVersion?: string;
  storageUri?: string;
  url?: string;
  ready: boolean;
  readyMessage?: string;
  /** Predictor uses a custom container instead of a model format. */
  customContainer: boolean;
}

/** Legacy framework keys under `spec.predictor` (pre-`model` KServe manifests). */
const LEGACY_PREDICTORS = [
  'sklearn',
  'xgboost',
  'lightgbm',
  'tensorflow',
  'pytorch',
  'triton',
  'onnx',
  'pmml',
  'paddle',
  'huggingface',
] as const;

function readyCondition(status: any): { ready: boolean; message?: string } {
  const conditions: any[] = Array.isArray(status?.conditions)
    ? status.conditions
    : [];
  const ready = conditions.find(c => c?.type === 'Ready');
  if (!ready)
    return { ready: false, message: 'No Ready condition reported yet' };
  if (ready.status === 'True') return { ready: true };
  const message = [ready.reason, ready.message].filter(Boolean).join(': ');
  return {
    ready: false,
    message: message || `Ready is ${ready.status ?? 'Unknown'}`,
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

export function isLlmInferenceService(obj: KubeObjectLike): boolean {
  return obj.kind === 'LLMInferenceService';
}

export function describeModel(obj: KubeObjectLike): ModelSummary {
  const namespace = obj.metadata?.namespace ?? 'default';
  const name = obj.metadata?.name ?? '';
  const { ready, message } = readyCondition(obj.status);
  const base = {
    namespace,
    name,
    url: str(obj.status?.url),
    ready,
    readyMessage: ready ? undefined : message,
  };

  if (isLlmInferenceService(obj)) {
    // LLMInferenceServices always run vLLM (llm-d) and speak the OpenAI API.
    return {
      ...base,
      resourceKind: 'LLMInferenceService',
      modelFormat: 'vllm',
      runtime: 'llm-d',
      storageUri: str(obj.spec?.model?.uri),
      customContainer: false,
    };
  }

  const predictor = obj.spec?.predictor ?? {};
  const model = predictor.model;
  if (model && typeof model === 'object') {
    return {
      ...base,
      resourceKind: 'InferenceService',
      modelFormat: str(model.modelFormat?.name)?.toLowerCase(),
      runtime:
        str(model.runtime) ??
        str(obj.status?.servingRuntimeName) ??
        str(obj.status?.clusterServingRuntimeName),
      protocolVersion: str(model.protocolVersion),
      storageUri: str(model.storageUri),
      customContainer: false,
    };
  }
  const legacy = LEGACY_PREDICTORS.find(key => predictor[key]);
  if (legacy) {
    const spec = predictor[legacy];
    return {
      ...base,
      resourceKind: 'InferenceService',
      modelFormat: legacy,
      runtime:
        str(obj.status?.servingRuntimeName) ??
        str(obj.status?.clusterServingRuntimeName),
      protocolVersion: str(spec?.protocolVersion),
      storageUri: str(spec?.storageUri),
      customContainer: false,
    };
  }
  return {
    ...base,
    resourceKind: 'InferenceService',
    runtime:
      str(obj.status?.servingRuntimeName) ??
      str(obj.status?.clusterServingRuntimeName),
    customContainer:
      Array.isArray(predictor.containers) && predictor.containers.length > 0,
  };
}
