import { flagValue, inspectPredictor } from './inspect';
import type { ModelManifest } from './manifest';

/** What an OpenAI-compatible model answers: text generation (chat, completions) or embeddings. */
export type OpenAiTask = 'generate' | 'embed';

const HF_GENERATE = new Set(['text_generation', 'text2text_generation']);
const HF_EMBED = new Set(['text_embedding', 'embed']);
const VLLM_EMBED = new Set(['embed', 'embedding', 'pooling', 'score']);

/**
 * Whether an OpenAI-compatible model generates text or embeds it, as far as its manifest says (pure):
 * an LLMInferenceService generates; Hugging Face's server follows `--task`; vLLM generates unless
 * `--task embed` / `--runner pooling`. Undefined when the manifest cannot tell (then a guide shows both).
 */
export function openaiTask(
  isvc: ModelManifest,
  runtime?: ModelManifest,
): OpenAiTask | undefined {
  if (isvc.kind === 'LLMInferenceService') return 'generate';
  const facts = inspectPredictor(isvc, runtime);
  const norm = (v: string | undefined) => v?.toLowerCase().replace(/-/g, '_');
  const task = norm(flagValue(facts.args, 'task'));
  const runner = norm(flagValue(facts.args, 'runner'));
  const hf =
    facts.format === 'huggingface' ||
    Boolean(facts.runtimeName?.toLowerCase().includes('huggingfaceserver'));
  if (hf) {
    if (task && HF_GENERATE.has(task)) return 'generate';
    if (task && HF_EMBED.has(task)) return 'embed';
    return undefined;
  }
  const vllm =
    facts.format === 'vllm' ||
    facts.runtimeName?.toLowerCase() === 'kserve-vllmserver';
  if (vllm) {
    if ((task && VLLM_EMBED.has(task)) || runner === 'pooling') return 'embed';
    return 'generate';
  }
  return undefined;
}
