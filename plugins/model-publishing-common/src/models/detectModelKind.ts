import { ANNOTATION_MODEL_KIND } from '../annotations';
import type { ModelKindDetection, PublishableModelKind } from '../generated/models';
import type { ModelManifest } from './manifest';
import { flagValue, inspectPredictor, type PredictorFacts } from './inspect';

/** Where vLLM's own server serves the OpenAI API. */
export const VLLM_OPENAI_PREFIX = '/v1';
/** Where KServe's huggingfaceserver serves the OpenAI API. */
export const HUGGINGFACE_OPENAI_PREFIX = '/openai/v1';

/** huggingfaceserver `--task` values that make it serve the OpenAI API. */
const HF_OPENAI_TASKS = new Set([
  'text_generation',
  'text2text_generation',
  'text_embedding',
  'embed',
]);
/** huggingfaceserver `--task` values served over the predictive v1/v2 protocols. */
const HF_PREDICTIVE_TASKS = new Set([
  'sequence_classification',
  'token_classification',
  'fill_mask',
]);
/** Formats no v1 server handles in KServe v0.20: Triton or MLServer serve them. */
const V2_ONLY_FORMATS = new Set(['triton', 'tensorrt', 'onnx', 'mlflow']);

const PUBLISHABLE: PublishableModelKind[] = ['openai', 'v1', 'v2'];

function isGrpc(protocol?: string): boolean {
  return Boolean(protocol && protocol.startsWith('grpc'));
}

function predictiveByProtocol(protocol?: string): 'v1' | 'v2' {
  return protocol === 'v2' ? 'v2' : 'v1';
}

function others(
  kind: PublishableModelKind | 'grpc' | 'unknown',
): PublishableModelKind[] {
  return PUBLISHABLE.filter(k => k !== kind);
}

function isHuggingFace(f: PredictorFacts): boolean {
  return (
    f.format === 'huggingface' ||
    Boolean(f.runtimeName?.toLowerCase().includes('huggingfaceserver')) ||
    (!f.format && f.runtimeFormats.includes('huggingface'))
  );
}

function isVllm(f: PredictorFacts): boolean {
  return (
    f.format === 'vllm' || f.runtimeName?.toLowerCase() === 'kserve-vllmserver'
  );
}

function speaksOnlyV2(f: PredictorFacts): string | undefined {
  if (f.format && V2_ONLY_FORMATS.has(f.format)) {
    return `modelFormat ${f.format} is served by Triton or MLServer`;
  }
  const runtime = f.runtimeName?.toLowerCase() ?? '';
  if (runtime.includes('tritonserver') || runtime.includes('mlserver')) {
    return `runtime ${f.runtimeName} is ${
      runtime.includes('triton') ? 'Triton' : 'MLServer'
    }`;
  }
  if (f.images.some(i => /tritonserver|\/mlserver/.test(i))) {
    return 'the runtime image is Triton or MLServer';
  }
  if (
    f.runtimeProtocols &&
    f.runtimeProtocols.length > 0 &&
    !f.runtimeProtocols.includes('v1') &&
    f.runtimeProtocols.includes('v2')
  ) {
    return `runtime ${
      f.runtimeName ?? '(unnamed)'
    } lists only ${f.runtimeProtocols.join(', ')} in protocolVersions`;
  }
  return undefined;
}

/** What a known server image suggests for a custom container (rule 7). */
function imageHint(images: string[]): {
  alternatives: PublishableModelKind[];
  prefix?: string;
  what?: string;
} {
  const joined = images.join(' ').toLowerCase();
  if (joined.includes('vllm'))
    return {
      alternatives: ['openai'],
      prefix: VLLM_OPENAI_PREFIX,
      what: 'a vLLM image',
    };
  if (joined.includes('huggingfaceserver')) {
    return {
      alternatives: ['openai', 'v1', 'v2'],
      prefix: HUGGINGFACE_OPENAI_PREFIX,
      what: "KServe's huggingfaceserver image",
    };
  }
  if (/tritonserver|mlserver/.test(joined))
    return { alternatives: ['v2'], what: 'a Triton or MLServer image' };
  if (
    /(sklearn|xgb|lgb|pmml|paddle)server|torchserve|tensorflow\/serving/.test(
      joined,
    )
  ) {
    return {
      alternatives: ['v1', 'v2'],
      what: 'a KServe predictive server image',
    };
  }
  return { alternatives: ['openai', 'v1', 'v2'] };
}

/** Rules 1–7 of docs/design.md §3, for the predictor alone. */
function detectPredictor(
  isvc: ModelManifest,
  f: PredictorFacts,
): ModelKindDetection {
  // 1. LLMInferenceService: always vLLM behind KServe's LLM stack.
  if (isvc.kind === 'LLMInferenceService') {
    return {
      kind: 'openai',
      confidence: 'high',
      reason:
        'An LLMInferenceService serves an OpenAI-compatible API (vLLM) under /v1.',
      alternatives: [],
      openaiPathPrefix: VLLM_OPENAI_PREFIX,
    };
  }

  // 2. vLLM serves only the OpenAI API, whatever protocolVersion claims.
  if (isVllm(f)) {
    const why =
      f.format === 'vllm' ? 'modelFormat vllm' : `runtime ${f.runtimeName}`;
    const ignored = f.protocolVersion
      ? ` (protocolVersion ${f.protocolVersion} is ignored by vLLM)`
      : '';
    return {
      kind: 'openai',
      confidence: 'high',
      reason: `vLLM (${why}) serves an OpenAI-compatible API under /v1${ignored}.`,
      alternatives: [],
      openaiPathPrefix: VLLM_OPENAI_PREFIX,
    };
  }

  // 3. KServe's huggingfaceserver: the task decides the protocol.
  if (isHuggingFace(f)) {
    let source = `runtime ${f.runtimeName}`;
    if (f.format === 'huggingface') source = 'modelFormat huggingface';
    if (f.legacyFramework) source = 'the legacy predictor.huggingface';
    const rawTask = flagValue(f.args, 'task');
    const task = rawTask?.toLowerCase().replace(/-/g, '_');
    if (task && HF_OPENAI_TASKS.has(task)) {
      return {
        kind: 'openai',
        confidence: 'high',
        reason: `Hugging Face server (${source}) with --task ${rawTask} serves an OpenAI-compatible API under /openai/v1.`,
        alternatives: [],
        openaiPathPrefix: HUGGINGFACE_OPENAI_PREFIX,
      };
    }
    if (task && HF_PREDICTIVE_TASKS.has(task)) {
      if (isGrpc(f.protocolVersion)) {
        return grpcRefusal(
          `Hugging Face server (${source}) with protocolVersion ${f.protocolVersion}`,
        );
      }
      const kind = predictiveByProtocol(f.protocolVersion);
      return {
        kind,
        confidence: 'high',
        reason: `Hugging Face server (${source}) with --task ${rawTask} is a predictive model; protocolVersion ${
          f.protocolVersion ?? 'unset (KServe default v1)'
        } → ${kind}.`,
        alternatives: [],
      };
    }
    if (task) {
      return {
        kind: 'unknown',
        confidence: 'low',
        reason: `Hugging Face server (${source}) with --task ${rawTask}, a task this portal does not know; choose the protocol the server speaks.`,
        alternatives: ['openai', 'v1', 'v2'],
        openaiPathPrefix: HUGGINGFACE_OPENAI_PREFIX,
      };
    }
    const predictive = predictiveByProtocol(f.protocolVersion);
    return {
      kind: 'openai',
      confidence: 'low',
      reason: `Hugging Face server (${source}) without --task infers the task from the model, so the manifest cannot tell: generative and embedding models get an OpenAI-compatible API under /openai/v1, classification models ${predictive}.`,
      alternatives: [predictive, predictive === 'v1' ? 'v2' : 'v1'],
      openaiPathPrefix: HUGGINGFACE_OPENAI_PREFIX,
    };
  }

  // 4. gRPC cannot be published until GRPCRoute support exists.
  if (isGrpc(f.protocolVersion)) {
    return grpcRefusal(`protocolVersion ${f.protocolVersion}`);
  }
  if (f.portNames.length > 0 && f.portNames.every(p => p === 'h2c')) {
    return grpcRefusal("the predictor's only container port is h2c");
  }

  // 7 (checked before 5/6, which need a format). A custom container tells nothing reliable.
  if (!f.format) {
    if (f.customContainer) {
      const hint = imageHint(f.images);
      return {
        kind: 'unknown',
        confidence: 'low',
        reason: hint.what
          ? `A custom container without modelFormat; it looks like ${hint.what}, but the manifest does not say which protocol it serves.`
          : 'A custom container without modelFormat: the manifest does not say which protocol it serves.',
        alternatives: hint.alternatives,
        ...(hint.prefix ? { openaiPathPrefix: hint.prefix } : {}),
      };
    }
    return {
      kind: 'unknown',
      confidence: 'low',
      reason:
        'The InferenceService has no predictor model, framework or container this portal recognises.',
      alternatives: ['openai', 'v1', 'v2'],
    };
  }

  // 5. Runtimes that speak only v2.
  const v2Only = speaksOnlyV2(f);
  if (v2Only) {
    return {
      kind: 'v2',
      confidence: 'high',
      reason: `This model speaks only the v2 protocol: ${v2Only}${
        f.protocolVersion ? '' : ' (protocolVersion unset)'
      }.`,
      alternatives: [],
    };
  }

  // 6. Other predictive models: protocolVersion, defaulting to v1 as KServe does.
  const kind = predictiveByProtocol(f.protocolVersion);
  return {
    kind,
    confidence: 'high',
    reason: f.protocolVersion
      ? `Predictive model (${
          f.legacyFramework ? 'predictor.' : 'modelFormat '
        }${f.format}) with protocolVersion ${f.protocolVersion}.`
      : `Predictive model (${
          f.legacyFramework ? 'predictor.' : 'modelFormat '
        }${f.format}) without protocolVersion: KServe's default is v1.`,
    alternatives: [],
  };
}

function grpcRefusal(why: string): ModelKindDetection {
  return {
    kind: 'grpc',
    confidence: 'high',
    reason: `This model speaks gRPC (${why}), which cannot be published until GRPCRoute support exists.`,
    alternatives: [],
  };
}

/**
 * Decides which protocol an InferenceService speaks (docs/design.md §3, rules 1–8 in order), and lets the
 * `model-publishing/model-kind` annotation override the result. Pure; never throws on odd manifests.
 */
export function detectModelKind(
  isvc: ModelManifest,
  runtime?: ModelManifest,
): ModelKindDetection {
  const facts = inspectPredictor(isvc, runtime);
  let detection = detectPredictor(isvc, facts);

  // 8. A transformer receives the requests first; what it accepts is not in the manifest.
  if (facts.hasTransformer && isvc.kind !== 'LLMInferenceService') {
    if (detection.kind !== 'grpc' && detection.kind !== 'unknown') {
      detection = {
        ...detection,
        confidence: 'low',
        reason: `${detection.reason} A transformer (${
          isvc.metadata?.name ?? '<name>'
        }-transformer) receives requests first and the manifest does not say what it accepts; assuming the predictor's protocol.`,
        alternatives: others(detection.kind),
      };
    } else if (detection.kind === 'unknown') {
      detection = {
        ...detection,
        reason: `${detection.reason} A transformer (${
          isvc.metadata?.name ?? '<name>'
        }-transformer) receives requests first.`,
      };
    }
  }

  const override = isvc.metadata?.annotations?.[ANNOTATION_MODEL_KIND];
  if (override === undefined) return detection;
  const value = override.trim().toLowerCase();
  if (!PUBLISHABLE.includes(value as PublishableModelKind)) {
    return {
      ...detection,
      reason: `${detection.reason} The annotation ${ANNOTATION_MODEL_KIND}: "${override}" was ignored: it must be openai, v1 or v2.`,
    };
  }
  const kind = value as PublishableModelKind;
  const prefix =
    kind === 'openai'
      ? detection.openaiPathPrefix ??
        (isHuggingFace(facts) ? HUGGINGFACE_OPENAI_PREFIX : VLLM_OPENAI_PREFIX)
      : undefined;
  return {
    kind,
    confidence: 'high',
    reason: `The InferenceService's annotation ${ANNOTATION_MODEL_KIND} says ${kind}${
      detection.kind === kind
        ? ', which agrees with detection'
        : ` (detection alone said ${detection.kind})`
    }.`,
    alternatives: [],
    ...(prefix ? { openaiPathPrefix: prefix } : {}),
  };
}
