import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { catalogModuleModelPublishing } from './module';

describe('catalogModuleModelPublishing', () => {
  it('registers a Component provider and an API provider per configured cluster, and the consumers processor', async () => {
    const addEntityProvider = jest.fn();
    const addProcessor = jest.fn();
    await startTestBackend({
      extensionPoints: [
        [catalogProcessingExtensionPoint, { addEntityProvider, addProcessor }],
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
    // consumesApi / apiConsumedBy between consuming Components and the models' API entities (issue 15).
    expect(
      addProcessor.mock.calls.flat().map(p => p.getProcessorName()),
    ).toEqual(['ModelPublishingConsumersProcessor']);
  });
});
