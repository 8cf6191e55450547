import type { KubeConfig } from '@kubernetes/client-node';
import { NotFoundError } from '@backstage/errors';
import {
  kubeConfigForCluster,
  type ModelPublishingClusterDetails,
} from '@model-publishing/plugin-model-publishing-node';
import { ClusterClient } from './ClusterClient';

export interface ClusterRegistryOptions {
  clusters: ModelPublishingClusterDetails[];
  defaultCluster: string;
  timeoutMs: number;
  maxConcurrent: number;
  /** KubeConfigs to use instead of building them from the clusters' details (tests: an emulator's). */
  kubeConfigs?: Record<string, KubeConfig>;
}

/** Named clusters; `default` resolves to the configured default cluster. */
export class ClusterRegistry {
  private readonly clients = new Map<string, ClusterClient>();
  private readonly kubeConfigs = new Map<string, KubeConfig>();
  readonly defaultCluster: string;

  constructor(options: ClusterRegistryOptions) {
    this.defaultCluster = options.defaultCluster;
    for (const details of options.clusters) {
      const kubeConfig =
        options.kubeConfigs?.[details.name] ?? kubeConfigForCluster(details);
      this.kubeConfigs.set(details.name, kubeConfig);
      this.clients.set(
        details.name,
        new ClusterClient({
          name: details.name,
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
