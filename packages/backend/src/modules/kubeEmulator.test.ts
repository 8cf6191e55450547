import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  type ModelPublishingCluster,
  modelPublishingClustersExtensionPoint,
} from '@model-publishing/plugin-model-publishing-node';
import { join } from 'node:path';
import kubeEmulator, { readKubeEmulatorSettings } from './kubeEmulator';
import { ConfigReader } from '@backstage/config';

jest.setTimeout(60_000);

/** Stands in for the model-publishing plugin: owns the clusters extension point, records what it is given. */
function recordingPlugin(received: ModelPublishingCluster[]) {
  return createBackendPlugin({
    pluginId: 'model-publishing',
    register(env) {
      env.registerExtensionPoint(modelPublishingClustersExtensionPoint, {
        addCluster: c => received.push(c),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
}

describe('kubeEmulator module (the demo portal’s embedded cluster)', () => {
  it('starts the emulator seeded with the demo cluster and gives it to model-publishing as a cluster', async () => {
    const received: ModelPublishingCluster[] = [];
    const backend = await startTestBackend({
      features: [
        recordingPlugin(received),
        kubeEmulator,
        mockServices.rootConfig.factory({
          data: {
            kubeEmulator: {
              port: 0,
              seed: join(__dirname, '../../../../examples/cluster'),
            },
          },
        }),
      ],
    });
    try {
      expect(received.map(c => c.name)).toEqual(['local']);
      const kc = new KubeConfig();
      kc.loadFromString(received[0].kubeconfig);
      const namespaces = await kc.makeApiClient(CoreV1Api).listNamespace();
      expect(namespaces.items.map(n => n.metadata?.name)).toEqual(
        expect.arrayContaining(['fraud-detection', 'genai']),
      );
    } finally {
      await backend.stop();
    }
  });

  it('adds nothing when kubeEmulator is absent or disabled (production)', async () => {
    const received: ModelPublishingCluster[] = [];
    const backend = await startTestBackend({
      features: [
        recordingPlugin(received),
        kubeEmulator,
        mockServices.rootConfig.factory({
          data: { kubeEmulator: { enabled: false } },
        }),
      ],
    });
    await backend.stop();
    expect(received).toEqual([]);
    expect(readKubeEmulatorSettings(new ConfigReader({}))).toBeUndefined();
    expect(
      readKubeEmulatorSettings(new ConfigReader({ kubeEmulator: {} })),
    ).toEqual({ cluster: 'local', port: 6443 });
  });
});
