export {
  detectModelKind,
  VLLM_OPENAI_PREFIX,
  HUGGINGFACE_OPENAI_PREFIX,
} from './detectModelKind';
export {
  servedModelName,
  modelAliases,
  inspectPredictor,
  flagValue,
  LEGACY_FRAMEWORKS,
} from './inspect';
export type { PredictorFacts } from './inspect';
export type { ModelManifest } from './manifest';
export { openaiTask } from './openaiTask';
export type { OpenAiTask } from './openaiTask';
