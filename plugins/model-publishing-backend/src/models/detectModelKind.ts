// Detection is pure and shared with the catalog module, so it lives in model-publishing-common;
// re-exported here so the backend's imports keep working.
export {
  detectModelKind,
  VLLM_OPENAI_PREFIX,
  HUGGINGFACE_OPENAI_PREFIX,
} from '@model-publishing/plugin-model-publishing-common';
