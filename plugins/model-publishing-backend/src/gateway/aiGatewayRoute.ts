import { servedModelName } from '../models/inspect';
import {
  AI_MODEL_HEADER,
  API,
  LLM_COST_KEYS,
  gatewayParentRefs,
  llmHostname,
  objectMetadata,
  objectName,
} from './names';
import type { BuildInput, KubeObject } from './types';

/**
 * The public route of an OpenAI-compatible model. It needs a hostname of its own: api-key auth
 * runs before AI Gateway reads the model name from the body, so a shared host could not tell
 * which publication's keys apply. AI Gateway generates an HTTPRoute with this object's name,
 * which the SecurityPolicy and BackendTrafficPolicy target.
 */
export function buildAIGatewayRoute(input: BuildInput): KubeObject {
  const name = objectName(input.isvc.metadata.name);
  return {
    apiVersion: API.aiGatewayRoute,
    kind: 'AIGatewayRoute',
    metadata: objectMetadata(input, name),
    spec: {
      parentRefs: gatewayParentRefs(input),
      hostnames: [llmHostname(input)],
      rules: [
        {
          matches: [
            {
              headers: [
                {
                  type: 'Exact',
                  name: AI_MODEL_HEADER,
                  value: servedModelName(input.isvc),
                },
              ],
            },
          ],
          backendRefs: [{ name }],
        },
      ],
      // Token counts land in dynamic metadata `io.envoy.ai_gateway`, where the
      // BackendTrafficPolicy's response cost and the access log read them.
      llmRequestCosts: [
        { metadataKey: LLM_COST_KEYS.input, type: 'InputToken' },
        { metadataKey: LLM_COST_KEYS.output, type: 'OutputToken' },
        { metadataKey: LLM_COST_KEYS.total, type: 'TotalToken' },
      ],
    },
  };
}
