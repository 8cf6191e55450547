import knexFactory, { type Knex } from 'knex';
import {
  createBackendModule,
  type SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  modelPublishingUsageExtensionPoint,
  type UsageCollectRequest,
} from '@model-publishing/plugin-model-publishing-node';
import {
  NAMESPACE,
  type PluginHarness,
  startPluginHarness,
} from '../__testUtils__/harness';

jest.setTimeout(120_000);

const user = {
  Authorization: mockCredentials.user.header('user:default/alice'),
};
const service = {
  Authorization: mockCredentials.service.header({
    onBehalfOf: mockCredentials.service('envoy-access-logs'),
    targetPluginId: 'model-publishing',
  }),
};
const NAME = 'vllm-qwen';
const MODEL = `/api/model-publishing/models/default/${NAMESPACE}/${NAME}`;

/**
 * The whole plugin: usage wiring in plugin.ts, the extension point, the scheduled collector (run by hand
 * here), a module's source, ingest and the usage routes.
 */
describe('usage through the plugin', () => {
  let h: PluginHarness;
  let knex: Knex;
  const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
  const moduleCalls: UsageCollectRequest[] = [];

  beforeAll(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    const scheduler = mockServices.scheduler.mock({
      scheduleTask: jest.fn(async task => {
        tasks.push(task);
      }),
    });
    const sourceModule = createBackendModule({
      pluginId: 'model-publishing',
      moduleId: 'test-usage-source',
      register(env) {
        env.registerInit({
          deps: { usage: modelPublishingUsageExtensionPoint },
          async init({ usage }) {
            usage.addUsageSource({
              id: 'module',
              // Reports three requests of the publication's first key in the range's first hour.
              collect: async request => {
                moduleCalls.push(request);
                const pub = request.publications[0];
                if (!pub?.clientIds[0]) return [];
                return [
                  {
                    publicationId: pub.id,
                    clientId: pub.clientIds[0],
                    hour: new Date(request.to.getTime() - 3_600_000),
                    requests: 3,
                    status401: 0,
                    status403: 0,
                    status429: 1,
                    status5xx: 0,
                    inputTokens: 10,
                    outputTokens: 20,
                    lastSeenAt: new Date(request.to.getTime() - 3_000_000),
                  },
                ];
              },
            });
          },
        });
      },
    });
    h = await startPluginHarness({
      knex,
      config: {
        usage: {
          ingest: { allowedSubjects: ['envoy-access-logs'] },
        },
      },
      extraFeatures: [scheduler.factory, sourceModule],
    });
  });
  afterEach(() => jest.useRealTimers());
  afterAll(async () => {
    await h?.stop();
    await knex?.destroy();
  });

  it('collects module sources for published models, ingests access logs and reports them', async () => {
    const name = NAME;
    const published = await h.request
      .post(`${MODEL}/publication`)
      .set(user)
      .send({
        rateLimits: { requestsPerHour: 1000 },
        firstKey: { name: 'app' },
      });
    expect([published.status, published.body.error?.message]).toEqual([
      201,
      undefined,
    ]);
    const clientId: string = published.body.key.key.clientId;

    const collector = tasks.find(
      t => t.id === 'model-publishing-usage-collector',
    );
    expect(collector).toMatchObject({ scope: 'global' });
    // Collect two hours after publishing, so the whole range lies after the key's creation.
    // Only Date is faked; timers stay real for the backend.
    jest.useFakeTimers({
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
      now: Date.now() + 2 * 3_600_000,
    });
    await collector!.fn(new AbortController().signal as any);

    expect(moduleCalls).toHaveLength(1);
    expect(moduleCalls[0].publications).toEqual([
      expect.objectContaining({
        name,
        namespace: NAMESPACE,
        modelKind: 'openai',
        routeName: `${name}-mp`,
        clientIds: [clientId],
      }),
    ]);

    const report = await h.request.get(`${MODEL}/publication/usage`).set(user);
    expect(report.status).toBe(200);
    expect(report.body.buckets).toHaveLength(24);
    expect(report.body.totals.requests).toBeGreaterThan(0); // the module source's figures
    const inReport = report.body.keys.find((k: any) => k.clientId === clientId);
    expect(inReport).toMatchObject({ keyName: 'app' });
    // the key manager shows the last use the report shows
    const keys = await h.request.get(`${MODEL}/publication/keys`).set(user);
    expect(inReport.lastUsedAt).toBeDefined();
    expect(keys.body.items[0]).toMatchObject({
      clientId,
      lastUsedAt: inReport.lastUsedAt,
    });

    const before = report.body.totals.requests as number;
    const now = new Date().toISOString();
    const ingest = await h.request
      .post('/api/model-publishing/usage/ingest')
      .set(service)
      .send({
        records: [
          {
            start_time: now,
            response_code: 200,
            route_name: `httproute/${NAMESPACE}/${name}-mp/rule/0/match/0/x`,
            client_id: clientId,
            request_id: 'r-1',
            input_tokens: 5,
            output_tokens: 7,
          },
        ],
      });
    expect(ingest.body).toEqual({
      received: 1,
      accepted: 1,
      duplicates: 0,
      unmatched: 0,
      skipped: 0,
    });
    const after = await h.request.get(`${MODEL}/publication/usage`).set(user);
    // source and access-log figures merge by the larger value per hour; the current hour can only grow
    expect(after.body.totals.requests).toBeGreaterThanOrEqual(before);

    const summary = await h.request
      .get('/api/model-publishing/usage/summary')
      .set(user);
    expect(summary.body.items.map((i: any) => i.name)).toEqual([name]);

    h.allowed.delete('model-publishing.usage.read');
    expect(
      (await h.request.get(`${MODEL}/publication/usage`).set(user)).status,
    ).toBe(403);
    expect(
      (await h.request.get('/api/model-publishing/usage/summary').set(user))
        .body.items,
    ).toEqual([]);
  });
});
