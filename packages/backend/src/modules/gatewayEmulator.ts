import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { readKubeEmulatorSettings } from './kubeEmulator';

/** The cluster the local gateway watches: the embedded Kubernetes emulator (`kubeEmulator`, see kubeEmulator.ts). */
export function emulatorKubeConfig(root: Config): KubeConfig | undefined {
  const settings = readKubeEmulatorSettings(root);
  if (!settings) return undefined;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'embedded',
        server: `http://127.0.0.1:${settings.port}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: 'gateway-emulator', token: 'embedded-emulator' }],
    contexts: [
      { name: 'embedded', cluster: 'embedded', user: 'gateway-emulator' },
    ],
    currentContext: 'embedded',
  });
  return kc;
}

/**
 * The embedded portal's gateway (`gatewayEmulator` config; absent in production): the local stand-in for
 * Envoy Gateway + AI Gateway from @model-publishing/gateway-emulator, watching the embedded cluster. Its access
 * logs go to model-publishing's `/usage/ingest` with this plugin's service credentials — the path a log
 * shipper next to a real Envoy takes — and a small traffic generator calls published models with their keys.
 * A plugin of its own (not a module) so its service principal, `plugin:gateway-emulator`, can be the one
 * subject allowed to ingest.
 */
export default createBackendPlugin({
  pluginId: 'gateway-emulator',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ config, logger, lifecycle, auth, discovery }) {
        const c = config.getOptionalConfig('gatewayEmulator');
        if (!c || c.getOptionalBoolean('enabled') === false) return;
        const kubeConfig = emulatorKubeConfig(config);
        if (!kubeConfig) {
          throw new Error(
            'gatewayEmulator: no embedded cluster (kubeEmulator) to watch',
          );
        }
        // Loaded only when configured: production never loads the emulator.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const emulator =
          require('@model-publishing/gateway-emulator') as typeof import('@model-publishing/gateway-emulator');
        const shipper = new emulator.AccessLogShipper({
          url: async () =>
            `${await discovery.getBaseUrl('model-publishing')}/usage/ingest`,
          headers: async () => {
            const { token } = await auth.getPluginRequestToken({
              onBehalfOf: await auth.getOwnServiceCredentials(),
              targetPluginId: 'model-publishing',
            });
            return { authorization: `Bearer ${token}` };
          },
          intervalMs:
            (c.getOptionalNumber('accessLog.shipEverySeconds') ?? 2) * 1000,
          onError: e =>
            logger.warn(`access logs not shipped yet: ${e.message}`),
        });
        const ingest = c.getOptionalBoolean('accessLog.ingest') ?? true;

        // After every plugin's init: the kubeEmulator module starts the embedded cluster in model-publishing's.
        lifecycle.addStartupHook(async () => {
          const gateway = await emulator.startGateway({
            kubeConfig,
            port: c.getOptionalNumber('port') ?? 8080,
            host: '127.0.0.1',
            stubs: emulator.demoModelServers({
              latencyScale: c.getOptionalNumber('latencyScale') ?? 1,
            }),
            accessLog: ingest ? [shipper.sink] : [],
            onWatchError: (kind, e) =>
              logger.warn(
                `watch of ${kind} failed, retrying: ${
                  (e as Error)?.message ?? e
                }`,
              ),
          });
          if (ingest) shipper.start();
          const intervalSeconds =
            c.getOptionalNumber('traffic.intervalSeconds') ?? 30;
          const traffic = new emulator.TrafficGenerator({
            gatewayUrl: gateway.url,
            routes: gateway.routes,
            intervalMs: intervalSeconds * 1000,
          });
          if (c.getOptionalBoolean('traffic.enabled') ?? true) traffic.start();
          logger.info(
            `local gateway (Envoy Gateway + AI Gateway stand-in) listening on ${gateway.url}`,
          );
          lifecycle.addShutdownHook(async () => {
            traffic.stop();
            await shipper.stop();
            await gateway.close();
          });
        });
      },
    });
  },
});
