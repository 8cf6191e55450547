import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';

/**
 * A cluster reached through a kubeconfig rather than an API server URL.
 *
 * @public
 */
export interface KubeconfigClusterDetails {
  /** Name used in model addresses and the `model-publishing/cluster` annotation. */
  name: string;
  /**
   * Where the kubeconfig is: a file (read each time a KubeConfig is built, so a file written after
   * start-up is picked up), a document (YAML or JSON, e.g. given in code by a backend module), or
   * `default`: the process's own ($KUBECONFIG, ~/.kube/config, else the pod's service account).
   */
  kubeconfig: { path: string } | { document: string } | 'default';
  /** Context to use; the kubeconfig's current context when absent. */
  context?: string;
}

/**
 * The cluster the backend runs in, reached with its pod's service account.
 *
 * @public
 */
export interface InClusterClusterDetails {
  /** Name used in model addresses and the `model-publishing/cluster` annotation. */
  name: string;
  inCluster: true;
}

/**
 * One Kubernetes cluster, in the one vocabulary the model-publishing plugins share. A cluster reached by
 * URL is the Kubernetes plugin's own `ClusterDetails` (what `kubernetes.clusterLocatorMethods` config
 * gives): `url`, `caData` / `caFile`, `skipTLSVerify`, and `authMetadata` with
 * `kubernetes.io/auth-provider` `serviceAccount` (token in `serviceAccountToken`, else the pod's own) or
 * `anonymous`. Besides it, the two connections that config has always offered and the Kubernetes
 * plugin has not: a kubeconfig, and the pod's in-cluster service account.
 *
 * @public
 */
export type ModelPublishingClusterDetails =
  | ClusterDetails
  | KubeconfigClusterDetails
  | InClusterClusterDetails;
