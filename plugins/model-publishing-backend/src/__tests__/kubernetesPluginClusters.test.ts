import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { type Emulator, startEmulator } from '@model-publishing/kube-emulator';
import request from 'supertest';
import { entityFor, NAMESPACE, seedPaths } from '../__testUtils__/harness';
import { modelPublishingPlugin } from '../plugin';

jest.setTimeout(60_000);

describe("clusters in the Kubernetes plugin's vocabulary", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: seedPaths() });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  /** The emulator, written as a `kubernetes.clusterLocatorMethods` config cluster. */
  const emulatorAsKubernetesCluster = () => ({
    name: 'local',
    url: emulator.url,
    authProvider: 'serviceAccount',
    serviceAccountToken: 'embedded-emulator',
  });

  async function modelStatus(config: object) {
    const backend = await startTestBackend({
      features: [
        modelPublishingPlugin,
        mockServices.rootConfig.factory({ data: config }),
        catalogServiceMock.factory({ entities: [entityFor('sklearn-iris')] }),
      ],
    });
    try {
      const res = await request(backend.server)
        .get(`/api/model-publishing/models/default/${NAMESPACE}/sklearn-iris`)
        .set({ Authorization: mockCredentials.user.header() });
      return [res.status, res.body.model?.cluster];
    } finally {
      await backend.stop();
    }
  }

  it('reads models from a kubernetes.clusterLocatorMethods cluster with clustersFrom: kubernetes (loopback http needs no skipTLSVerify)', async () => {
    expect(
      await modelStatus({
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                { ...emulatorAsKubernetesCluster(), skipMetricsLookup: true },
              ],
            },
          ],
        },
        modelPublishing: {
          clustersFrom: 'kubernetes',
          reconciler: { enabled: false },
        },
      }),
    ).toEqual([200, 'local']);
  });

  it('accepts the same keys in modelPublishing.clusters', async () => {
    expect(
      await modelStatus({
        modelPublishing: {
          clusters: [emulatorAsKubernetesCluster()],
          reconciler: { enabled: false },
        },
      }),
    ).toEqual([200, 'local']);
  });
});
