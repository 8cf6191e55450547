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
} from './inspect';
export type { PredictorFacts } from './inspect';
