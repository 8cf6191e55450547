import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { catalogModuleModelPublishing } from './module';

describe('catalogModuleModelPublishing', () => {
  it('registers a Component provider and an API provider per configured cluster', async () => {
    const addEntityProvider = jest.fn();
    await startTestBackend({
      extensionPoints: [
        [catalogProcessingExtensionPoint, { addEntityProvider }],
      ],
      features: [
        catalogModuleModelPublishing,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              providers: {
                modelPublishing: {
                  local: { url: 'http://127.0.0.1:1' },
                  prod: { url: 'http://127.0.0.1:2' },
                },
              },
            },
          },
        }),
      ],
    });
    const names = addEntityProvider.mock.calls
      .flat()
      .map(p => p.getProviderName());
    expect(names).toEqual([
      'ModelPublishingEntityProvider:local',
      'ModelPublishingApiEntityProvider:local',
      'ModelPublishingEntityProvider:prod',
      'ModelPublishingApiEntityProvider:prod',
    ]);
  });
});
