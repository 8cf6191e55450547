import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { collectActions } from './__testUtils__/harness';
import { scaffolderModuleModelPublishing } from './module';

describe('scaffolderModuleModelPublishing', () => {
  it('registers the four actions, each with examples and dry-run support', async () => {
    const { registered: actions, extensionPoint } = collectActions();
    await startTestBackend({
      extensionPoints: [extensionPoint],
      features: [
        scaffolderModuleModelPublishing,
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
      ],
    });

    expect(actions.map(a => a.id)).toEqual([
      'model-publishing:publish',
      'model-publishing:update',
      'model-publishing:unpublish',
      'model-publishing:request-access',
    ]);
    for (const action of actions) {
      expect(action.supportsDryRun).toBe(true);
      expect(action.examples?.length).toBeGreaterThan(0);
      expect(action.schema?.input).toMatchObject({
        type: 'object',
        required: expect.arrayContaining(['entityRef']),
      });
    }
  });
});
