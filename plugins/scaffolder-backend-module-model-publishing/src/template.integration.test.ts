import { mockCredentials } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import request from 'supertest';
import { loadPublishModelTemplate } from './__testUtils__/harness';
import { startRealBackend } from './__testUtils__/realBackend';
import { OWNER, STRANGER } from './__testUtils__/stubBackend';

/**
 * templates/publish-model/template.yaml run by the real scaffolder (its task runner, templating and
 * input validation) with this module's actions against the real model-publishing backend.
 */
const template = loadPublishModelTemplate();
template.metadata.namespace = 'default';

describe('the publish-model template in the real scaffolder', () => {
  let backend: Awaited<ReturnType<typeof startRealBackend>>;

  beforeAll(async () => {
    // The demo policy in small: owners manage their models; everyone may read and use the scaffolder.
    backend = await startRealBackend({
      allow: { reads: true, otherPlugins: true },
      features: [scaffolderPlugin],
      entities: [template],
    });
  }, 120_000);
  afterAll(() => backend?.stop());

  /** Requests to the test backend, signed in as `user`. */
  function as(user: string) {
    const header = { authorization: mockCredentials.user.header(user) };
    return {
      get: (path: string) => request(backend.server).get(path).set(header),
      post: (path: string, body: object) =>
        request(backend.server).post(path).set(header).send(body),
    };
  }

  async function runTask(user: string, values: Record<string, unknown>) {
    const api = as(user);
    const created = await api.post('/api/scaffolder/v2/tasks', {
      templateRef: 'template:default/publish-model',
      values,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    for (let i = 0; i < 120; i++) {
      const task = await api.get(`/api/scaffolder/v2/tasks/${id}`);
      if (['completed', 'failed', 'cancelled'].includes(task.body.status)) {
        const events = await api.get(`/api/scaffolder/v2/tasks/${id}/events`);
        return { task: task.body, log: JSON.stringify(events.body) };
      }
      await new Promise(r => setTimeout(r, 250));
    }
    throw new Error(`task ${id} did not finish`);
  }

  it("the template editor's dry run previews the objects and creates nothing", async () => {
    const res = await as(OWNER).post('/api/scaffolder/v2/dry-run', {
      template,
      values: {
        model: 'component:default/sklearn-iris',
        rateLimits: { requestsPerMinute: 5 },
      },
      secrets: {},
      directoryContents: [],
    });
    expect(res.status).toBe(200);
    const log = JSON.stringify(res.body.log);
    expect(log).toContain('would create 4 object(s)');
    expect(log).toContain('Nothing was created.');
    const model = await as(OWNER).get(
      '/api/model-publishing/entities/component/default/sklearn-iris',
    );
    expect(model.status).toBe(200);
    expect(model.body.publication).toBeUndefined();
  }, 60_000);

  it('as a non-owner fails with a clear message', async () => {
    const { task, log } = await runTask(STRANGER, {
      model: 'component:default/sklearn-iris',
      rateLimits: { requestsPerMinute: 60 },
    });
    expect(task.status).toBe('failed');
    expect(log).toContain(
      'You are not allowed to publish component:default/sklearn-iris',
    );
  }, 60_000);

  it('as the owner publishes the model and links to the Publish tab', async () => {
    const { task, log } = await runTask(OWNER, {
      model: 'component:default/sklearn-iris',
      rateLimits: { requestsPerMinute: 60, requestsPerDay: 1000 },
      keyName: 'checkout-app',
    });
    expect(task.status).toBe('completed');
    const completion = JSON.parse(log).find(
      (e: any) => e.type === 'completion',
    );
    expect(completion.body.output.links[0]).toEqual({
      title: 'Create an API key on the Publish tab',
      icon: 'kind:api',
      url: 'http://portal.test/catalog/default/component/sklearn-iris/publish',
    });
    expect(completion.body.output.text[0].content).toContain(
      '**Endpoint:** `https://models.example.com/models/ml/sklearn-iris`',
    );
    expect(completion.body.output.text[0].content).toContain(
      'named "checkout-app"',
    );
    expect(log).not.toMatch(/mpk_[A-Za-z0-9]/);
  }, 60_000);
});
