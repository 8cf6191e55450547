import {
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import {
  modelPublishingUsageExtensionPoint,
  UsageRecord,
  UsageSource,
} from './usage';

describe('modelPublishingUsageExtensionPoint', () => {
  it('delivers sources that a backend module adds to the model-publishing plugin', async () => {
    const received: UsageSource[] = [];
    let collectedAtInit: UsageRecord[] | undefined;

    // Stands in for the backend plugin: owns the extension point, reads the sources at init.
    const plugin = createBackendPlugin({
      pluginId: 'model-publishing',
      register(env) {
        env.registerExtensionPoint(modelPublishingUsageExtensionPoint, {
          addUsageSource: source => received.push(source),
        });
        env.registerInit({
          deps: {},
          async init() {
            collectedAtInit = await received[0]?.collect({
              from: new Date('2026-01-01T00:00:00Z'),
              to: new Date('2026-01-01T01:00:00Z'),
              publications: [],
            });
          },
        });
      },
    });

    const record: UsageRecord = {
      publicationId: 'p1',
      clientId: 'key-k1',
      hour: new Date('2026-01-01T00:00:00Z'),
      requests: 3,
      status401: 0,
      status403: 0,
      status429: 1,
      status5xx: 0,
      inputTokens: 10,
      outputTokens: 20,
    };
    const module = createBackendModule({
      pluginId: 'model-publishing',
      moduleId: 'test-usage-source',
      register(env) {
        env.registerInit({
          deps: { usage: modelPublishingUsageExtensionPoint },
          async init({ usage }) {
            usage.addUsageSource({
              id: 'custom',
              collect: async () => [record],
            });
          },
        });
      },
    });

    const backend = await startTestBackend({ features: [plugin, module] });
    try {
      expect(received.map(s => s.id)).toEqual(['custom']);
      expect(collectedAtInit).toEqual([record]);
    } finally {
      await backend.stop();
    }
  });

  it('has the id other packages rely on', () => {
    expect(modelPublishingUsageExtensionPoint.id).toBe(
      'model-publishing.usage',
    );
  });
});
