import type { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import type { KubeObject } from '../gateway/types';
import type { KeySecretClient, SecretObject } from './types';

/**
 * KeySecretClient over the plugin's ClusterRegistry. `replace` sends the resourceVersion it is
 * given, so a concurrent change comes back as ConflictError (409) for writeSecretKeys to retry.
 */
export function clusterSecretClient(
  clusters: Pick<ClusterRegistry, 'get'>,
): KeySecretClient {
  const ref = (t: { namespace: string; name: string }) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: t.namespace,
    name: t.name,
  });
  return {
    async getSecret(target) {
      return (await clusters.get(target.cluster).get(ref(target))) as
        | SecretObject
        | undefined;
    },
    async replaceSecret(target, secret) {
      const obj = {
        ...secret,
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          ...secret.metadata,
          name: target.name,
          namespace: target.namespace,
        },
      } as unknown as KubeObject;
      return (await clusters
        .get(target.cluster)
        .replace(obj)) as unknown as SecretObject;
    },
  };
}
