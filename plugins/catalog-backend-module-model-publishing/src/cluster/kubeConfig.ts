import { KubeConfig } from '@kubernetes/client-node';

/**
 * How to reach one cluster. Exactly one of `kubeconfigPath`, `kubeconfig` or `url` is used, in that
 * order of preference; none means the in-cluster / default kubeconfig of the process.
 */
export interface ClusterConnection {
  /** Path of a kubeconfig file, re-read on every run (the embedded emulator writes it after start-up). */
  kubeconfigPath?: string;
  /** A kubeconfig as YAML text. */
  kubeconfig?: string;
  /** Context to use from the kubeconfig; its current context when absent. */
  context?: string;
  /** API server URL, used with `token` / `caData` / `skipTLSVerify`. */
  url?: string;
  token?: string;
  caData?: string;
  skipTLSVerify?: boolean;
}

/** The one place that turns configuration into a client-node KubeConfig. */
export function createKubeConfig(connection: ClusterConnection): KubeConfig {
  const kc = new KubeConfig();
  if (connection.kubeconfigPath) {
    kc.loadFromFile(connection.kubeconfigPath);
  } else if (connection.kubeconfig) {
    kc.loadFromString(connection.kubeconfig);
  } else if (connection.url) {
    kc.loadFromOptions({
      clusters: [
        {
          name: 'cluster',
          server: connection.url,
          caData: connection.caData,
          skipTLSVerify: connection.skipTLSVerify ?? false,
        },
      ],
      users: [{ name: 'user', token: connection.token }],
      contexts: [{ name: 'context', cluster: 'cluster', user: 'user' }],
      currentContext: 'context',
    });
    return kc;
  } else {
    kc.loadFromDefault();
  }
  if (connection.context) kc.setCurrentContext(connection.context);
  return kc;
}
