import { VLLM_OPENAI_PREFIX } from '@model-publishing/plugin-model-publishing-common';
import { ENVOY_GATEWAY_GROUP, objectHead, objectName } from './names';
import type { AIServiceBackend } from '../kubernetes/objects';
import type { BuildInput } from './types';

/**
 * Tells Envoy AI Gateway the model speaks the OpenAI schema under the server's own prefix
 * (`/v1` for vLLM, `/openai/v1` for KServe's huggingfaceserver).
 */
export function buildAIServiceBackend(input: BuildInput): AIServiceBackend {
  const name = objectName(input.isvc.metadata.name);
  return {
    ...objectHead(input, 'AIServiceBackend', name),
    spec: {
      schema: {
        name: 'OpenAI',
        prefix: input.detection.openaiPathPrefix ?? VLLM_OPENAI_PREFIX,
      },
      backendRef: { group: ENVOY_GATEWAY_GROUP, kind: 'Backend', name },
    },
  };
}
