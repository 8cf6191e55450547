import {
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import {
  ModelPublishingCluster,
  modelPublishingClustersExtensionPoint,
} from './clusters';

describe('modelPublishingClustersExtensionPoint', () => {
  it('delivers the clusters a backend module adds, before the plugin initialises', async () => {
    const received: ModelPublishingCluster[] = [];
    let seenAtInit: string[] | undefined;
    const plugin = createBackendPlugin({
      pluginId: 'model-publishing',
      register(env) {
        env.registerExtensionPoint(modelPublishingClustersExtensionPoint, {
          addCluster: cluster => received.push(cluster),
        });
        env.registerInit({
          deps: {},
          async init() {
            seenAtInit = received.map(c => c.name);
          },
        });
      },
    });
    const module = createBackendModule({
      pluginId: 'model-publishing',
      moduleId: 'test-cluster',
      register(env) {
        env.registerInit({
          deps: { clusters: modelPublishingClustersExtensionPoint },
          async init({ clusters }) {
            // A module may do asynchronous work (start a server, fetch credentials) before adding.
            await new Promise(r => setTimeout(r, 10));
            clusters.addCluster({
              name: 'prod',
              kubeconfig: 'apiVersion: v1\nkind: Config\n',
            });
          },
        });
      },
    });

    const backend = await startTestBackend({ features: [plugin, module] });
    try {
      expect(seenAtInit).toEqual(['prod']);
      expect(received[0].kubeconfig).toContain('kind: Config');
    } finally {
      await backend.stop();
    }
  });

  it('has the id other packages rely on', () => {
    expect(modelPublishingClustersExtensionPoint.id).toBe(
      'model-publishing.clusters',
    );
  });
});
