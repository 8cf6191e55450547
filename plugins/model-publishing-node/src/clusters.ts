import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * A Kubernetes cluster that a backend module gives the model-publishing backend in code, beside the
 * clusters of `modelPublishing.clusters` (config). For connections that config cannot describe:
 * credentials fetched at start-up, or a cluster the portal runs itself (the demo portal's embedded one).
 */
export interface ModelPublishingCluster {
  /**
   * Name used in model addresses and the `model-publishing/cluster` annotation. Unique: no other module
   * cluster and no `modelPublishing.clusters` entry may use it.
   */
  name: string;
  /** A kubeconfig document (YAML or JSON); its current context is the connection. */
  kubeconfig: string;
}

export interface ModelPublishingClustersExtensionPoint {
  addCluster(cluster: ModelPublishingCluster): void;
}

/**
 * Lets backend modules give the model-publishing backend clusters in code, e.g.
 * `env.registerInit({ deps: { clusters: modelPublishingClustersExtensionPoint }, async init({ clusters }) { clusters.addCluster({ name: 'prod', kubeconfig }) } })`.
 * The plugin reads them after every module's init, so a module may start or fetch what the connection
 * needs before it adds the cluster.
 */
export const modelPublishingClustersExtensionPoint =
  createExtensionPoint<ModelPublishingClustersExtensionPoint>({
    id: 'model-publishing.clusters',
  });
