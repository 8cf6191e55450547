import { CLIENT_ID_HEADER } from '@model-publishing/plugin-model-publishing-common';
import { routePolicy, secretName } from './names';
import type { SecurityPolicy } from '../kubernetes/objects';
import type { BuildInput } from './types';

/** Request headers an API key is read from, in order. */
export const API_KEY_HEADERS = ['authorization', 'x-api-key'] as const;

/**
 * API-key authentication for the publication's route. Traditional models: our HTTPRoute;
 * LLMs: the HTTPRoute Envoy AI Gateway generates for the AIGatewayRoute, which has the same name.
 *
 * `Authorization: Bearer <key>`: the v1.9 CRD has no field to strip a scheme, and none is needed:
 * Envoy's api_key_auth filter drops a leading "Bearer " from any header source before the lookup.
 */
export function buildSecurityPolicy(input: BuildInput): SecurityPolicy {
  const { head, spec } = routePolicy(input, 'SecurityPolicy');
  return {
    ...head,
    spec: {
      ...spec,
      apiKeyAuth: {
        credentialRefs: [
          {
            group: '',
            kind: 'Secret',
            name: secretName(input.isvc.metadata.name),
          },
        ],
        extractFrom: [{ headers: [...API_KEY_HEADERS] }],
        // The gateway sets this from the matched key; rate limits and usage group by it.
        forwardClientIDHeader: CLIENT_ID_HEADER,
        // The model server never sees the key.
        sanitize: true,
      },
    },
  };
}
