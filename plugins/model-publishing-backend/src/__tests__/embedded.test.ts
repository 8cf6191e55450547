import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { entityFor, NAMESPACE, seedPaths } from '../__testUtils__/harness';
import { modelPublishingPlugin } from '../plugin';

jest.setTimeout(60_000);

describe('embedded default cluster', () => {
  it('starts the kube emulator in-process from `emulator: { seed }` and publishes against it', async () => {
    const backend = await startTestBackend({
      features: [
        modelPublishingPlugin,
        mockServices.rootConfig.factory({
          data: {
            modelPublishing: {
              clusters: [{ name: 'local', emulator: { seed: seedPaths() } }],
              reconciler: { enabled: false },
            },
          },
        }),
        catalogServiceMock.factory({ entities: [entityFor('sklearn-iris')] }),
      ],
    });
    try {
      const auth = { Authorization: mockCredentials.user.header() };
      const base = `/api/model-publishing/models/default/${NAMESPACE}/sklearn-iris`;
      const model = await request(backend.server).get(base).set(auth);
      expect(model.status).toBe(200);
      expect(model.body.model).toMatchObject({ cluster: 'local', ready: true, detection: { kind: 'v1' } });
      const published = await request(backend.server).post(`${base}/publication`).set(auth).send({ rateLimits: {} });
      expect(published.status).toBe(201);
      expect(published.body.publication.endpoints[0].url).toBe('http://localhost:8080/models/models/sklearn-iris');
    } finally {
      await backend.stop();
    }
  });
});
