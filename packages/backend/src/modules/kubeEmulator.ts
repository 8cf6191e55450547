import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { modelPublishingClustersExtensionPoint } from '@model-publishing/plugin-model-publishing-node';

/** Where the embedded cluster listens by default (the Kubernetes backend's `local` cluster points here). */
export const DEFAULT_KUBE_EMULATOR_PORT = 6443;

export interface KubeEmulatorSettings {
  cluster: string;
  port: number;
  seed?: string;
  persistFile?: string;
}

/** `kubeEmulator` (the demo portal's embedded cluster); undefined when absent or disabled. */
export function readKubeEmulatorSettings(
  root: Config,
): KubeEmulatorSettings | undefined {
  const c = root.getOptionalConfig('kubeEmulator');
  if (!c || c.getOptionalBoolean('enabled') === false) return undefined;
  return {
    cluster: c.getOptionalString('cluster') ?? 'local',
    port: c.getOptionalNumber('port') ?? DEFAULT_KUBE_EMULATOR_PORT,
    seed: c.getOptionalString('seed'),
    persistFile: c.getOptionalString('persistFile'),
  };
}

/**
 * The demo portal's embedded cluster (`kubeEmulator` config; absent in production): starts
 * @model-publishing/kube-emulator in this process on loopback and gives it to the model-publishing backend
 * as a cluster through the plugin's clusters extension point — the plugin itself only knows clusters
 * given by config or by modules, never the emulator. The catalog module, the Kubernetes backend and the
 * local gateway reach the same server at http://127.0.0.1:<port> through their own config.
 */
export default createBackendModule({
  pluginId: 'model-publishing',
  moduleId: 'kube-emulator',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        clusters: modelPublishingClustersExtensionPoint,
      },
      async init({ config, logger, lifecycle, clusters }) {
        const settings = readKubeEmulatorSettings(config);
        if (!settings) return;
        // Loaded only when configured: production never loads the emulator.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const emulator =
          require('@model-publishing/kube-emulator') as typeof import('@model-publishing/kube-emulator');
        const started = await emulator.startEmulator({
          seed: settings.seed,
          persistFile: settings.persistFile,
          port: settings.port,
          host: '127.0.0.1',
        });
        lifecycle.addShutdownHook(() => started.close());
        clusters.addCluster({
          name: settings.cluster,
          kubeconfig: started.kubeconfigYaml,
        });
        logger.info(
          `cluster '${settings.cluster}': embedded Kubernetes emulator listening on ${started.url}`,
        );
      },
    });
  },
});
