import type { Knex } from 'knex';
import { startEmulator } from '@model-publishing/kube-emulator';
import { createTestDatabases } from '../__testUtils__/databases';
import { NAMESPACE, seedPaths } from '../__testUtils__/harness';
import { startServices } from '../__testUtils__/services';
import * as isvcs from '../models/__testUtils__/inferenceServices';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const op = { actor: 'user:default/alice' };
const N = 8;
const copies = Array.from({ length: N }, (_, i) => ({
  ...isvcs.sklearnV1,
  metadata: { ...isvcs.sklearnV1.metadata, name: `quota-model-${i}` },
}));

describe.each(databases.eachSupportedId())('tenant quota on %s', databaseId => {
  let db: Knex;
  let s: Awaited<ReturnType<typeof startServices>>;

  beforeEach(async () => {
    db = await databases.init(databaseId);
    s = await startServices(db, {
      emulator: await startEmulator({ seed: seedPaths(copies) }),
      config: { tenants: [{ group: 'group:default/ml-team', namespaces: [NAMESPACE], maxPublications: 1 }] },
    });
  });
  afterEach(async () => {
    await s.emulator.close();
  });

  it(`${N} concurrent publishes of different models with maxPublications 1: exactly one wins`, async () => {
    // A little latency lines the requests up, as concurrent requests to a real API server would be.
    s.emulator.faults.latency(10);
    const results = await Promise.allSettled(
      copies.map(m => s.publishing.publish(s.model(m.metadata.name), { rateLimits: { requestsPerMinute: 60 } }, op)),
    );
    s.emulator.faults.clear();
    const won = results.filter(r => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map(r => [r.reason.name, r.reason.statusCode])).toEqual(lost.map(() => ['UnprocessableError', 422]));
    expect(lost.every(r => /maxPublications: tenant group:default\/ml-team already has 1 of 1/.test(r.reason.message))).toBe(true);
    // The losers changed nothing: one record, and only the winner's objects in the cluster.
    expect(Number((await db('publications').count({ n: '*' }))[0].n)).toBe(1);
    expect(await s.publications.countLiveByOwner('group:default/ml-team')).toBe(1);
  });

  it('concurrent publishes of one model under a quota: one wins, the rest are 409 (not a quota error)', async () => {
    s = await startServices(db, {
      emulator: s.emulator,
      config: { tenants: [{ group: 'group:default/ml-team', namespaces: [NAMESPACE], maxPublications: 2 }] },
    });
    const name = copies[0].metadata.name;
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map(() => s.publishing.publish(s.model(name), { rateLimits: { requestsPerMinute: 60 } }, op)),
    );
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(lost.map(r => r.reason.name)).toEqual(['ConflictError', 'ConflictError', 'ConflictError', 'ConflictError']);
    expect(await s.publications.countLiveByOwner('group:default/ml-team')).toBe(1);
  });
});
