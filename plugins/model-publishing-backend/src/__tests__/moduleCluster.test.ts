import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { type Emulator, startEmulator } from '@model-publishing/kube-emulator';
import { modelPublishingClustersExtensionPoint } from '@model-publishing/plugin-model-publishing-node';
import request from 'supertest';
import { entityFor, NAMESPACE, seedPaths } from '../__testUtils__/harness';
import { modelPublishingPlugin } from '../plugin';

jest.setTimeout(60_000);

/** A backend module that gives the plugin a cluster in code (as the demo portal does with its embedded one). */
function clusterModule(name: string, kubeconfig: string) {
  return createBackendModule({
    pluginId: 'model-publishing',
    moduleId: `test-cluster-${name}`,
    register(env) {
      env.registerInit({
        deps: { clusters: modelPublishingClustersExtensionPoint },
        async init({ clusters }) {
          clusters.addCluster({ name, kubeconfig });
        },
      });
    },
  });
}

describe('a cluster added by a backend module (modelPublishingClustersExtensionPoint)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: seedPaths() });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('is the default cluster when config lists none, and models are read and published on it', async () => {
    const backend = await startTestBackend({
      features: [
        modelPublishingPlugin,
        clusterModule('local', emulator.kubeconfigYaml),
        mockServices.rootConfig.factory({
          data: { modelPublishing: { reconciler: { enabled: false } } },
        }),
        catalogServiceMock.factory({ entities: [entityFor('sklearn-iris')] }),
      ],
    });
    try {
      const auth = { Authorization: mockCredentials.user.header() };
      const base = `/api/model-publishing/models/default/${NAMESPACE}/sklearn-iris`;
      const model = await request(backend.server).get(base).set(auth);
      expect(model.status).toBe(200);
      expect(model.body.model).toMatchObject({
        cluster: 'local',
        ready: true,
        detection: { kind: 'v1' },
      });
      const published = await request(backend.server)
        .post(`${base}/publication`)
        .set(auth)
        .send({ rateLimits: {} });
      expect(published.status).toBe(201);
      expect(published.body.publication.endpoints[0].url).toBe(
        'http://localhost:8080/models/models/sklearn-iris',
      );
      expect(
        emulator.requests.some(
          r => r.method === 'POST' && r.path.includes('/httproutes'),
        ),
      ).toBe(true);
    } finally {
      await backend.stop();
    }
  });

  it('refuses to start when a module cluster has the name of a configured one', async () => {
    await expect(
      startTestBackend({
        features: [
          modelPublishingPlugin,
          clusterModule('local', emulator.kubeconfigYaml),
          mockServices.rootConfig.factory({
            data: {
              modelPublishing: {
                clusters: [
                  { name: 'local', url: emulator.url, skipTLSVerify: true },
                ],
                reconciler: { enabled: false },
              },
            },
          }),
          catalogServiceMock.factory({ entities: [] }),
        ],
      }),
    ).rejects.toThrow(/cluster 'local' is given twice/);
  });
});
