import type { ModelManifest } from './manifest';

/**
 * The facts about an InferenceService that model-kind detection looks at, pulled out of the
 * several places KServe v0.20 lets a manifest put them (the `model` spec, the legacy
 * per-framework predictors, custom containers, and the ServingRuntime).
 */
export interface PredictorFacts {
  /** modelFormat.name, or the legacy framework key (`sklearn`, `huggingface`, …), lower-cased. */
  format?: string;
  /** True when the format came from a legacy `predictor.<framework>` block. */
  legacyFramework: boolean;
  protocolVersion?: string;
  /** `predictor.model.runtime`, or the name of the ServingRuntime passed in. */
  runtimeName?: string;
  /** Arguments of the predictor container(s), then of the runtime's containers. */
  args: string[];
  /** Container images (predictor containers, then the runtime's). */
  images: string[];
  /** Names of the predictor's declared container ports. */
  portNames: string[];
  /** Custom containers without a modelFormat. */
  customContainer: boolean;
  /** ServingRuntime spec.protocolVersions, when the runtime is known. */
  runtimeProtocols?: string[];
  /** ServingRuntime spec.supportedModelFormats[].name, lower-cased. */
  runtimeFormats: string[];
  hasTransformer: boolean;
}

/** The predictor keys KServe still accepts for the pre-`model` framework specs. */
export const LEGACY_FRAMEWORKS = [
  'sklearn',
  'xgboost',
  'lightgbm',
  'tensorflow',
  'pytorch',
  'onnx',
  'triton',
  'pmml',
  'paddle',
  'huggingface',
] as const;

function asStrings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

function containerFacts(containers: unknown): {
  args: string[];
  images: string[];
  ports: string[];
} {
  const list = Array.isArray(containers) ? containers : [];
  return {
    args: list.flatMap(c => [...asStrings(c?.command), ...asStrings(c?.args)]),
    images: list
      .map(c => c?.image)
      .filter((i): i is string => typeof i === 'string'),
    ports: list.flatMap(c =>
      (Array.isArray(c?.ports) ? c.ports : [])
        .map((p: any) => p?.name)
        .filter((n: unknown): n is string => typeof n === 'string'),
    ),
  };
}

export function inspectPredictor(
  isvc: ModelManifest,
  runtime?: ModelManifest,
): PredictorFacts {
  const predictor = isvc.spec?.predictor ?? {};
  const model = predictor.model;
  const facts: PredictorFacts = {
    legacyFramework: false,
    args: [],
    images: [],
    portNames: [],
    customContainer: false,
    runtimeFormats: [],
    hasTransformer: Boolean(isvc.spec?.transformer),
  };

  const addContainer = (c: any) => {
    if (!c) return;
    facts.args.push(...asStrings(c.command), ...asStrings(c.args));
    if (typeof c.image === 'string') facts.images.push(c.image);
    for (const p of Array.isArray(c.ports) ? c.ports : []) {
      if (typeof p?.name === 'string') facts.portNames.push(p.name);
    }
  };

  if (model) {
    if (typeof model.modelFormat?.name === 'string') {
      facts.format = model.modelFormat.name.toLowerCase();
    }
    facts.protocolVersion = model.protocolVersion;
    facts.runtimeName = model.runtime;
    addContainer(model);
  } else {
    const legacy = LEGACY_FRAMEWORKS.find(f => predictor[f]);
    if (legacy) {
      facts.format = legacy;
      facts.legacyFramework = true;
      facts.protocolVersion = predictor[legacy].protocolVersion;
      addContainer(predictor[legacy]);
    }
  }
  // Containers beside a model spec are sidecars; without one they are the server itself.
  const containers = containerFacts(predictor.containers);
  if (!facts.format && containers.images.length > 0)
    facts.customContainer = true;
  facts.args.push(...containers.args);
  facts.images.push(...containers.images);
  facts.portNames.push(...containers.ports);

  if (runtime) {
    facts.runtimeName = facts.runtimeName ?? runtime.metadata?.name;
    const spec = runtime.spec ?? {};
    if (Array.isArray(spec.protocolVersions)) {
      facts.runtimeProtocols = asStrings(spec.protocolVersions).map(p =>
        p.toLowerCase(),
      );
    }
    facts.runtimeFormats = (
      Array.isArray(spec.supportedModelFormats)
        ? spec.supportedModelFormats
        : []
    )
      .map((f: any) => f?.name)
      .filter((n: unknown): n is string => typeof n === 'string')
      .map((n: string) => n.toLowerCase());
    const rc = containerFacts(spec.containers);
    facts.args.push(...rc.args);
    facts.images.push(...rc.images);
  }
  if (facts.protocolVersion)
    facts.protocolVersion = facts.protocolVersion.toLowerCase();
  return facts;
}

/**
 * The value of a command-line flag, in either `--flag=value` or `--flag value` form.
 * Flags may be spelled with `-` or `_` (argparse accepts what the server declares; KServe's
 * own templates use `--model_name`, vLLM uses `--served-model-name`), so both are matched.
 */
export function flagValue(
  args: string[],
  ...names: string[]
): string | undefined {
  const wanted = new Set(names.map(n => n.replace(/_/g, '-')));
  for (let i = 0; i < args.length; i++) {
    // A whole shell command in one string (`sh -c "…"`) is split so its flags are seen too.
    const parts = args[i].includes(' ') ? args[i].split(/\s+/) : [args[i]];
    for (let j = 0; j < parts.length; j++) {
      const part = parts[j];
      if (!part.startsWith('--')) continue;
      const eq = part.indexOf('=');
      const flag = (eq >= 0 ? part.slice(2, eq) : part.slice(2)).replace(
        /_/g,
        '-',
      );
      if (!wanted.has(flag)) continue;
      if (eq >= 0) return part.slice(eq + 1);
      const next = j + 1 < parts.length ? parts[j + 1] : args[i + 1];
      if (next !== undefined && !next.startsWith('--')) return next;
    }
  }
  return undefined;
}

/**
 * The model name clients send (`model` in OpenAI bodies, the `{name}` in v1/v2 paths).
 * KServe passes the InferenceService name unless the manifest overrides it.
 */
export function servedModelName(isvc: ModelManifest): string {
  if (isvc.kind === 'LLMInferenceService') {
    const name = isvc.spec?.model?.name;
    return typeof name === 'string' && name ? name : isvc.metadata?.name ?? '';
  }
  const facts = inspectPredictor(isvc);
  const fromArgs = flagValue(facts.args, 'served-model-name', 'model-name');
  // Runtime templates say `--model_name={{.Name}}`: only a literal value in the isvc counts.
  if (fromArgs && !fromArgs.includes('{{'))
    return fromArgs.split(',')[0].trim();
  return isvc.metadata?.name ?? '';
}

/** The model id in a Hugging Face URI (`hf://org/model[:revision]` → `org/model`). */
function huggingFaceId(uri: unknown): string | undefined {
  if (typeof uri !== 'string' || !uri.startsWith('hf://')) return undefined;
  const id = uri.slice('hf://'.length).split(':')[0].replace(/\/+$/, '');
  return id || undefined;
}

/**
 * Every name an OpenAI client may put in `model` for this model, the served name first
 * (envoyproxy/ai-gateway#1485, #1944: clients use the Hugging Face id or the resource's name as
 * often as the served name). The gateway routes all of them and rewrites `model` to the served
 * name, so the server never sees a name it does not know.
 * - the served name (`--served-model-name`/`--model_name`, `spec.model.name`), and every other
 *   name vLLM serves (`--served-model-name a,b`);
 * - the InferenceService / LLMInferenceService name;
 * - the Hugging Face id: `--model_id` (huggingfaceserver), `--model` (vLLM), an `hf://` storage URI
 *   (`storageUri`, or `spec.model.uri` of an LLMInferenceService).
 */
export function modelAliases(isvc: ModelManifest): string[] {
  const names: (string | undefined)[] = [servedModelName(isvc)];
  if (isvc.kind === 'LLMInferenceService') {
    names.push(isvc.metadata?.name, huggingFaceId(isvc.spec?.model?.uri));
  } else {
    const facts = inspectPredictor(isvc);
    const served = flagValue(facts.args, 'served-model-name');
    if (served && !served.includes('{{')) {
      names.push(...served.split(',').map(s => s.trim()));
    }
    names.push(isvc.metadata?.name);
    const id = flagValue(facts.args, 'model-id', 'model');
    if (id && !id.includes('{{') && !id.startsWith('/')) names.push(id);
    const predictor = isvc.spec?.predictor ?? {};
    names.push(
      huggingFaceId(
        predictor.model?.storageUri ?? predictor.huggingface?.storageUri,
      ),
    );
  }
  // x-ai-eg-model is matched as a header value: no empty names, no control characters, no duplicates.
  return [
    ...new Set(
      names.filter(
        (n): n is string => !!n && /^[\x21-\x7e][\x20-\x7e]*$/.test(n),
      ),
    ),
  ];
}
