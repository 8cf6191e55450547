import { KubeConfig } from '@kubernetes/client-node';

/**
 * How to reach one cluster (the same vocabulary as `modelPublishing.clusters`). The first of
 * `kubeconfigPath`, `inCluster`, `url` that is set is used; none means the process's default kubeconfig.
 */
export interface ClusterConnection {
  /** Path of a kubeconfig file, re-read on every run (a file written after start-up is picked up). */
  kubeconfigPath?: string;
  /** The pod's service account. */
  inCluster?: boolean;
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
  } else if (connection.inCluster) {
    kc.loadFromCluster();
    return kc;
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
    return allowLoopbackHttp(kc);
  } else {
    kc.loadFromDefault();
  }
  if (connection.context) kc.setCurrentContext(connection.context);
  return allowLoopbackHttp(kc);
}

const LOOPBACK =
  /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/;

/**
 * client-node refuses plain `http://` servers unless `skipTLSVerify` is set. The embedded emulator serves
 * plain HTTP on loopback (its kubeconfig does not set the flag), so loopback HTTP is allowed here; a
 * non-loopback `http://` server still needs an explicit `skipTLSVerify: true`.
 */
export function allowLoopbackHttp(kc: KubeConfig): KubeConfig {
  if (!kc.clusters.some(c => LOOPBACK.test(c.server) && !c.skipTLSVerify))
    return kc;
  const fixed = new KubeConfig();
  fixed.loadFromOptions({
    clusters: kc.clusters.map(c =>
      LOOPBACK.test(c.server) ? { ...c, skipTLSVerify: true } : c,
    ),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return fixed;
}
