import knexFactory, { Knex } from 'knex';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { startEmulator, type Emulator } from '@model-publishing/kube-emulator';
import { LABEL_PUBLICATION } from '@model-publishing/plugin-model-publishing-common';
import { createTestDatabases, databaseIds } from '../__testUtils__/databases';
import { NAMESPACE, PluginHarness, seedPaths, startPluginHarness } from '../__testUtils__/harness';

jest.setTimeout(180_000);
const auth = { Authorization: mockCredentials.user.header('user:default/alice') };
const at = (name: string) => `/api/model-publishing/models/default/${NAMESPACE}/${name}`;
const body = { rateLimits: { requestsPerMinute: 60 } };

describe('50 concurrent publishes of one model', () => {
  let h: PluginHarness;
  beforeAll(async () => {
    h = await startPluginHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('exactly one succeeds, the other 49 get 409, and no object is duplicated', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () => h.request.post(`${at('sklearn-iris')}/publication`).set(auth).send(body)),
    );
    const statuses = results.map(r => r.status);
    expect(statuses.filter(s => s === 201)).toHaveLength(1);
    expect(statuses.filter(s => s === 409)).toHaveLength(49);
    const winner = results.find(r => r.status === 201)!.body.publication.id;
    const objects = await h.labelledObjects();
    expect(objects.map(o => o.labels[LABEL_PUBLICATION])).toEqual(objects.map(() => winner));
    expect(objects).toHaveLength(4);
  });
});

// Scale-out needs a shared database: PostgreSQL (skipped with a notice when it is not reachable).
const pgIds = databaseIds().filter(id => id.startsWith('POSTGRES'));
const describePg = pgIds.length ? describe : describe.skip;

describePg('two backend instances on one PostgreSQL', () => {
  const databases = createTestDatabases();
  let emulator: Emulator;
  let dbA: Knex;
  let dbB: Knex;
  let a: PluginHarness;
  let b: PluginHarness;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: seedPaths() });
    dbA = await databases.init(pgIds[0]);
    dbB = knexFactory(dbA.client.config);
    const shared = {
      emulator,
      config: { reconciler: { enabled: true, frequency: { seconds: 1 } } },
      extraFeatures: [schedulerServiceFactory],
    };
    a = await startPluginHarness({ ...shared, knex: dbA });
    b = await startPluginHarness({ ...shared, knex: dbB });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await dbB?.destroy();
    await emulator?.close();
  });

  it('publishes once across instances and runs the reconciler once per interval', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).request.post(`${at('xgboost-iris')}/publication`).set(auth).send(body)),
    );
    expect(results.map(r => r.status).filter(s => s === 201)).toHaveLength(1);
    expect(results.map(r => r.status).filter(s => s === 409)).toHaveLength(9);
    expect(await a.labelledObjects()).toHaveLength(4);

    // Each reconciler run lists Secrets cluster-wide exactly once (the orphan sweep).
    await new Promise(r => setTimeout(r, 2500)); // past the initial delay
    emulator.requests.length = 0;
    const windowMs = 6000;
    await new Promise(r => setTimeout(r, windowMs));
    const runs = emulator.requests.filter(r => r.method === 'GET' && r.path === '/api/v1/secrets').length;
    // eslint-disable-next-line no-console
    console.log(`reconciler runs in ${windowMs} ms at 1 s frequency with 2 instances: ${runs}`);
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(runs).toBeLessThanOrEqual(windowMs / 1000 + 1);
    expect(await a.labelledObjects()).toHaveLength(4);
  });
});

void mockServices;
