import { KubeConfig } from '@kubernetes/client-node';
import { NotFoundError } from '@backstage/errors';
import type { ClusterSettings } from '../config';
import { ClusterClient } from './ClusterClient';

export interface ClusterRegistryOptions {
  clusters: ClusterSettings[];
  defaultCluster: string;
  timeoutMs: number;
  maxConcurrent: number;
  /** KubeConfigs of clusters that config does not describe (added by backend modules in code). */
  kubeConfigs?: Record<string, KubeConfig>;
}

/** Builds a KubeConfig from one cluster's settings. */
export function kubeConfigFor(settings: ClusterSettings): KubeConfig {
  const kc = new KubeConfig();
  if (settings.kubeconfig) {
    kc.loadFromFile(settings.kubeconfig);
    if (settings.context) kc.setCurrentContext(settings.context);
  } else if (settings.inCluster) {
    kc.loadFromCluster();
  } else if (settings.url) {
    kc.loadFromOptions({
      clusters: [
        {
          name: settings.name,
          server: settings.url,
          skipTLSVerify: settings.skipTLSVerify ?? false,
          caData: settings.caData,
        },
      ],
      users: [{ name: settings.name, token: settings.token }],
      contexts: [
        { name: settings.name, cluster: settings.name, user: settings.name },
      ],
      currentContext: settings.name,
    });
  } else {
    throw new Error(`cluster '${settings.name}' has no connection settings`);
  }
  return kc;
}

/** Named clusters; `default` resolves to the configured default cluster. */
export class ClusterRegistry {
  private readonly clients = new Map<string, ClusterClient>();
  private readonly kubeConfigs = new Map<string, KubeConfig>();
  readonly defaultCluster: string;

  constructor(options: ClusterRegistryOptions) {
    this.defaultCluster = options.defaultCluster;
    for (const settings of options.clusters) {
      const kubeConfig =
        options.kubeConfigs?.[settings.name] ?? kubeConfigFor(settings);
      this.kubeConfigs.set(settings.name, kubeConfig);
      this.clients.set(
        settings.name,
        new ClusterClient({
          name: settings.name,
          kubeConfig,
          timeoutMs: options.timeoutMs,
          maxConcurrent: options.maxConcurrent,
        }),
      );
    }
  }

  /** The configured name for a name from a URL or annotation; undefined when unknown. */
  resolveName(name: string): string | undefined {
    const resolved = name === 'default' ? this.defaultCluster : name;
    return this.clients.has(resolved) ? resolved : undefined;
  }

  get(name: string): ClusterClient {
    const resolved = this.resolveName(name);
    if (!resolved)
      throw new NotFoundError(`cluster '${name}' is not configured`);
    return this.clients.get(resolved)!;
  }

  /** Every cluster with its connection, for clients other than ClusterClient (watches). */
  connections(): { name: string; kubeConfig: KubeConfig }[] {
    return [...this.kubeConfigs].map(([name, kubeConfig]) => ({
      name,
      kubeConfig,
    }));
  }

  names(): string[] {
    return [...this.clients.keys()];
  }
}
