import {
  gatewayParentRefs,
  modelPathPrefix,
  ENVOY_GATEWAY_GROUP,
  objectHead,
  objectName,
} from './names';
import type { HTTPRoute } from '../kubernetes/objects';
import type { BuildInput } from './types';
import { resolveUpstream, type Upstream } from './upstream';

/**
 * The public route of a traditional (v1/v2) model: `/models/<ns>/<isvc>/…` on the shared host,
 * rewritten to `/…` so the model server sees its own paths (`/v1/models/<name>:predict`).
 */
export function buildHttpRoute(
  input: BuildInput,
  upstream: Upstream = resolveUpstream(input.isvc, input.serving).upstream,
): HTTPRoute {
  const { isvc } = input;
  const { name, namespace } = isvc.metadata;
  if (upstream.type === 'InferencePool') {
    throw new Error('an HTTPRoute of a traditional model has no InferencePool');
  }
  // A Knative model is reached through an Envoy Gateway Backend (never its ExternalName Service),
  // with the Host Knative's gateway routes on.
  const backendRef =
    upstream.type === 'Service'
      ? { group: '', kind: 'Service', name: upstream.name, port: upstream.port }
      : { group: ENVOY_GATEWAY_GROUP, kind: 'Backend', name: objectName(name) };
  const hostname =
    upstream.type === 'FQDN' && upstream.hostHeader
      ? { hostname: upstream.hostHeader }
      : {};
  return {
    ...objectHead(input, 'HTTPRoute', objectName(name)),
    spec: {
      parentRefs: gatewayParentRefs(input),
      ...(input.config.hostname ? { hostnames: [input.config.hostname] } : {}),
      rules: [
        {
          matches: [
            {
              path: {
                type: 'PathPrefix',
                value: modelPathPrefix(namespace!, name),
              },
            },
          ],
          filters: [
            {
              type: 'URLRewrite',
              urlRewrite: {
                ...hostname,
                path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' },
              },
            },
            ...(input.responseHeaders?.length
              ? [
                  {
                    type: 'ResponseHeaderModifier' as const,
                    responseHeaderModifier: {
                      set: input.responseHeaders.slice(0, 16),
                    },
                  },
                ]
              : []),
          ],
          backendRefs: [backendRef],
        },
      ],
    },
  };
}
