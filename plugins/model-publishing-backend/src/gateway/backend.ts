import { API, entryService, objectMetadata, objectName } from './names';
import type { BuildInput, KubeObject } from './types';

/**
 * The Envoy Gateway Backend an AIServiceBackend must point at (AIServiceBackend.backendRef only
 * accepts kind Backend): the model's in-cluster Service by its cluster DNS name.
 */
export function buildBackend(input: BuildInput): KubeObject {
  const { isvc } = input;
  const service = entryService(isvc);
  return {
    apiVersion: API.backend,
    kind: 'Backend',
    metadata: objectMetadata(input, objectName(isvc.metadata.name)),
    spec: {
      endpoints: [
        {
          fqdn: {
            hostname: `${service.name}.${isvc.metadata.namespace}.svc.cluster.local`,
            port: service.port,
          },
        },
      ],
    },
  };
}
