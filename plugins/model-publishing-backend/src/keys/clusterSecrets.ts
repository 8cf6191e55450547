import type { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import type { KeySecretClient, SecretObject, SecretTarget } from './types';

/** A key Secret as the cluster layer reads and writes it: a SecretObject with its type and name. */
type KubeSecret = SecretObject & {
  apiVersion: string;
  kind: string;
  metadata: SecretObject['metadata'] & { name: string };
};

const secretRef = (t: SecretTarget) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  namespace: t.namespace,
  name: t.name,
});

/**
 * KeySecretClient over the plugin's ClusterRegistry. `replace` sends the resourceVersion it is
 * given, so a concurrent change comes back as ConflictError (409) for writeSecretKeys to retry.
 */
export function clusterSecretClient(
  clusters: Pick<ClusterRegistry, 'get'>,
): KeySecretClient {
  return {
    getSecret(target) {
      return clusters.get(target.cluster).get<KubeSecret>(secretRef(target));
    },
    replaceSecret(target, secret) {
      return clusters.get(target.cluster).replace<KubeSecret>({
        ...secret,
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          ...secret.metadata,
          name: target.name,
          namespace: target.namespace,
        },
      });
    },
  };
}
