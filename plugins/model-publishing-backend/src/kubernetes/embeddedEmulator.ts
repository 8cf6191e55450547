import type { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterSettings } from '../config';

export interface RunningEmulator {
  kubeConfig: KubeConfig;
  close(): Promise<void>;
}

/**
 * Starts @model-publishing/kube-emulator in-process on loopback for every cluster configured with `emulator`
 * (the embedded default of `yarn start`). Loaded lazily: production configs never load it.
 */
export async function startEmbeddedEmulators(
  clusters: ClusterSettings[],
  logger: LoggerService,
): Promise<{ kubeConfigs: Record<string, KubeConfig>; close(): Promise<void> }> {
  const running: { name: string; emulator: RunningEmulator }[] = [];
  for (const cluster of clusters) {
    if (!cluster.emulator) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('@model-publishing/kube-emulator') as {
      startEmulator?: (o: { seed?: string; persistFile?: string; port?: number; host?: string }) => Promise<{
        kubeConfig?: unknown;
        kubeconfigYaml: string;
        url: string;
        close(): Promise<void>;
      }>;
    };
    if (!mod.startEmulator) {
      throw new Error(`cluster '${cluster.name}': this @model-publishing/kube-emulator has no startEmulator`);
    }
    const started = await mod.startEmulator({
      seed: cluster.emulator.seed,
      persistFile: cluster.emulator.persistFile,
      port: cluster.emulator.port,
      host: '127.0.0.1',
    });
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(started.kubeconfigYaml);
    running.push({ name: cluster.name, emulator: { kubeConfig, close: () => started.close() } });
    logger.info(`cluster '${cluster.name}': embedded Kubernetes emulator listening on ${started.url}`);
  }
  return {
    kubeConfigs: Object.fromEntries(running.map(r => [r.name, r.emulator.kubeConfig])),
    close: async () => {
      await Promise.all(running.map(r => r.emulator.close()));
    },
  };
}
