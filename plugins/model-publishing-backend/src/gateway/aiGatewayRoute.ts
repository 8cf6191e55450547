import {
  modelAliases,
  servedModelName,
} from '@model-publishing/plugin-model-publishing-common';
import {
  AI_MODEL_HEADER,
  gatewayParentRefs,
  LLM_COST_KEYS,
  llmHostname,
  objectHead,
  objectName,
} from './names';
import type { AIGatewayRoute } from '../kubernetes/objects';
import type { BuildInput } from './types';
import { resolveUpstream, type Upstream } from './upstream';

/** API group of the Gateway API Inference Extension's InferencePool (the v1 AI Gateway accepts). */
export const INFERENCE_POOL_GROUP = 'inference.networking.k8s.io';

/**
 * The public route of an OpenAI-compatible model. It needs a hostname of its own: api-key auth
 * runs before AI Gateway reads the model name from the body, so a shared host could not tell
 * which publication's keys apply. AI Gateway generates an HTTPRoute with this object's name,
 * which the SecurityPolicy and BackendTrafficPolicy target.
 */
export function buildAIGatewayRoute(
  input: BuildInput,
  upstream: Upstream = resolveUpstream(input.isvc, input.serving).upstream,
): AIGatewayRoute {
  const name = objectName(input.isvc.metadata.name);
  const served = servedModelName(input.isvc);
  const aliases = modelAliases(input.isvc);
  // Any alias routes; the body's `model` is rewritten to the served name the server knows.
  const override = aliases.some(a => a !== served)
    ? { modelNameOverride: served }
    : {};
  const backendRef =
    upstream.type === 'InferencePool'
      ? {
          group: INFERENCE_POOL_GROUP,
          kind: 'InferencePool',
          name: upstream.name,
          ...override,
        }
      : { name, ...override };
  return {
    ...objectHead(input, 'AIGatewayRoute', name),
    spec: {
      parentRefs: gatewayParentRefs(input),
      hostnames: [llmHostname(input)],
      rules: [
        {
          // One match per alias (matches are ORed). AI Gateway sets the header from the body's
          // `model`; a client may send it itself (envoyproxy/ai-gateway#1944).
          matches: aliases.map(alias => ({
            headers: [{ type: 'Exact', name: AI_MODEL_HEADER, value: alias }],
          })),
          backendRefs: [backendRef],
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
