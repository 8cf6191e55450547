import type { Knex } from 'knex';
import { TestDatabases } from '@backstage/backend-test-utils';
import { startServices } from '../__testUtils__/services';
import { labelledIn, never, until } from '../__testUtils__/crashes';
import { NAMESPACE } from '../__testUtils__/harness';

jest.setTimeout(120_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const op = { actor: 'user:default/alice' };

describe('leases on in-flight operations (issue 14, finding 5)', () => {
  let db: Knex;
  let s: Awaited<ReturnType<typeof startServices>>;
  const labelled = (publicationId?: string) => labelledIn(s, publicationId);
  let crashAt = 0;
  let writes = 0;
  const LEASE_MS = 1500;

  beforeEach(async () => {
    db = await databases.init('SQLITE_3');
    writes = 0;
    crashAt = 0;
    s = await startServices(db, {
      config: { reconciler: { leaseMs: LEASE_MS } },
      beforeClusterWrite: async () => {
        writes++;
        if (crashAt && writes === crashAt) await never();
      },
    });
  });
  afterEach(async () => {
    await s.emulator.close();
  });

  /** Kills the test's instance at write n from now (its heartbeats stop once it is there). */
  async function killAt(n: number, what: string) {
    crashAt = writes + n;
    await until(() => writes >= crashAt, what);
    s.crash();
    crashAt = 0;
  }

  it('resumes at start-up what the same instance left in flight, before its lease runs out; others wait for it', async () => {
    void s.publishing.publish(
      s.model('sklearn-iris'),
      { rateLimits: { requestsPerMinute: 10 }, firstKey: { name: 'app' } },
      op,
    );
    await killAt(4, 'the publish reaches the route');
    const stuck = await s.publications.findLive(
      'local',
      NAMESPACE,
      'sklearn-iris',
    );
    // Another instance, or this one's reconcile pass: the lease has not run out yet.
    expect((await s.reconciler.resume()).converged).toEqual([]);
    expect(
      (await (await s.instance('test-instance')).reconciler.resume()).converged,
    ).toEqual([]);
    // The same instance, restarted (a new process): its start-up resume takes the operation over at once.
    const restarted = await s.instance('test-instance');
    expect(
      (await restarted.reconciler.resume(undefined, new Date(), true))
        .converged,
    ).toEqual([{ id: stuck!.id, from: 'publishing', to: 'failed' }]);
    expect(labelled()).toEqual([]);
    const again = await restarted.publishing.publish(
      s.model('sklearn-iris'),
      { rateLimits: { requestsPerMinute: 10 }, firstKey: { name: 'app' } },
      op,
    );
    expect(again.publication.status).toBe('published');
    expect(again.key?.secret).toMatch(/^mpk_/);
  });

  it("lets the owner's next request take over a dead publish, update and unpublish once the lease ran out", async () => {
    const next = await s.instance('test-next-instance');
    // publish killed before the route; the retry is answered 409 while the lease runs, then succeeds
    void s.publishing.publish(
      s.model('sklearn-iris'),
      { rateLimits: { requestsPerMinute: 10 } },
      op,
    );
    await killAt(4, 'the publish reaches the route');
    await expect(
      next.publishing.publish(
        s.model('sklearn-iris'),
        { rateLimits: { requestsPerMinute: 10 } },
        op,
      ),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    await new Promise(r => setTimeout(r, LEASE_MS + 50));
    const { publication } = await next.publishing.publish(
      s.model('sklearn-iris'),
      { rateLimits: { requestsPerMinute: 10 } },
      op,
    );
    expect(publication.status).toBe('published');
    expect(labelled()).toEqual(labelled(publication.id));

    // update killed after one policy: the next update first restores, then applies the new limits
    void s.publishing.update(
      s.model('sklearn-iris'),
      { rateLimits: { requestsPerMinute: 99 } },
      op,
    );
    await killAt(2, 'one policy replaced');
    expect((await s.publications.get(publication.id))?.status).toBe('updating');
    await expect(
      next.publishing.update(
        s.model('sklearn-iris'),
        { rateLimits: { requestsPerMinute: 77 } },
        op,
      ),
    ).rejects.toThrow(
      /updating; try again when it is settled \(its lease runs out in \d+ s\)/,
    );
    await new Promise(r => setTimeout(r, LEASE_MS + 50));
    const updated = await next.publishing.update(
      s.model('sklearn-iris'),
      { rateLimits: { requestsPerMinute: 77 } },
      op,
    );
    expect(updated).toMatchObject({
      status: 'published',
      config: { rateLimits: { requestsPerMinute: 77 } },
    });

    // unpublish killed after the route: the owner's next unpublish completes it
    void s.publishing.unpublish(s.model('sklearn-iris'), op);
    await killAt(2, 'the route is deleted');
    expect((await s.publications.get(publication.id))?.status).toBe(
      'unpublishing',
    );
    await new Promise(r => setTimeout(r, LEASE_MS + 50));
    const done = await next.publishing.unpublish(s.model('sklearn-iris'), op);
    expect(done.status).toBe('unpublished');
    expect(labelled()).toEqual([]);
  });

  it('lets exactly one of two instances take over a dead operation', async () => {
    void s.publishing.publish(
      s.model('xgboost-iris'),
      { rateLimits: { requestsPerMinute: 10 } },
      op,
    );
    await killAt(4, 'the publish reaches the route');
    const later = new Date(Date.now() + LEASE_MS + 1);
    const a = await s.instance('test-a');
    const b = await s.instance('test-b');
    const [ra, rb] = await Promise.all([
      a.reconciler.resume(undefined, later),
      b.reconciler.resume(undefined, later),
    ]);
    expect(ra.converged.length + rb.converged.length).toBe(1);
    expect([...ra.errors, ...rb.errors]).toEqual([]);
    expect(labelled()).toEqual([]);
  });
});
