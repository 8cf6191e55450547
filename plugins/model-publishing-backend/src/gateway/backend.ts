import { objectHead, objectName } from './names';
import type { Backend } from '../kubernetes/objects';
import type { BuildInput } from './types';
import { resolveUpstream, type Upstream } from './upstream';

/**
 * The Envoy Gateway Backend a publication's route points at by DNS name: for an LLM always
 * (AIServiceBackend.backendRef only accepts kind Backend), for a traditional model when KServe
 * serves it through Knative (an ExternalName Service, which Envoy Gateway does not route to).
 * With `tls`, Envoy originates TLS and verifies the server with the CA in that Secret (Envoy
 * Gateway's Backend TLS settings, internal/gatewayapi/backendtlspolicy.go
 * processServerValidationTLSSettings).
 */
export function buildBackend(
  input: BuildInput,
  upstream: Upstream = resolveUpstream(input.isvc, input.serving).upstream,
): Backend {
  const { isvc } = input;
  if (upstream.type === 'InferencePool') {
    throw new Error('an InferencePool upstream has no Backend');
  }
  const target =
    upstream.type === 'Service'
      ? {
          hostname: `${upstream.name}.${isvc.metadata.namespace}.svc.cluster.local`,
          port: upstream.port,
        }
      : { hostname: upstream.hostname, port: upstream.port };
  const tls = upstream.type === 'FQDN' ? upstream.tls : undefined;
  return {
    ...objectHead(input, 'Backend', objectName(isvc.metadata.name)),
    spec: {
      endpoints: [{ fqdn: target }],
      ...(tls
        ? {
            tls: {
              caCertificateRefs: [
                { group: '', kind: 'Secret', name: tls.caSecret },
              ],
              sni: tls.sni,
            },
          }
        : {}),
    },
  };
}
