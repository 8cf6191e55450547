import type { PublicationStore } from './PublicationStore';
import {
  describeOnEachDatabase,
  newPublication,
} from './__testUtils__/publications';

jest.setTimeout(60_000);

describeOnEachDatabase('PublicationStore leases', ctx => {
  let store: PublicationStore;
  beforeEach(() => {
    ({ store } = ctx);
  });

  it('finds in-flight records whose lease ran out or was an earlier process of this instance; one claim wins', async () => {
    const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m));
    const lease = (holder: string, token: string, m: number) => ({
      holder,
      token,
      expiresAt: at(m),
    });
    await store.insertPublishing(newPublication(1), at(0), {
      lease: lease('a', 'a-now', 1),
    }); // ran out
    await store.insertPublishing(newPublication(2), at(0), {
      lease: lease('b', 'b-now', 11),
    }); // alive, another instance
    await store.insertPublishing(newPublication(3), at(0), {
      lease: lease('a', 'a-before', 20),
    }); // a before its restart
    const me = { holder: 'a', token: 'a-now' };
    expect(
      (await store.listTakeable({ lease: me, now: at(5) })).map(p => p.id),
    ).toEqual([newPublication(1).id]);
    const restarted = await store.listTakeable({
      lease: me,
      now: at(5),
      restarted: true,
    });
    expect(restarted.map(p => p.id).sort()).toEqual([
      newPublication(1).id,
      newPublication(3).id,
    ]);

    // Two instances claim one record at once: one conditional update succeeds, the other finds nothing.
    const claims = await Promise.all([
      store.claim(newPublication(1).id, lease('b', 'b-now', 10), {
        now: at(5),
      }),
      store.claim(newPublication(1).id, lease('c', 'c-now', 10), {
        now: at(5),
      }),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = claims[0] ? 'b-now' : 'c-now';
    const loser = claims[0] ? 'c-now' : 'b-now';
    expect(
      await store.claim(newPublication(1).id, lease('d', 'd-now', 10), {
        now: at(6),
      }),
    ).toBeUndefined();
    expect(
      await store.renewLease(newPublication(1).id, lease('x', loser, 12)),
    ).toBe(false);
    expect(
      await store.renewLease(newPublication(1).id, lease('x', winner, 12)),
    ).toBe(true);
    expect((await store.leaseOf(newPublication(1).id))?.expiresAt).toEqual(
      at(12),
    );
    // A write conditional on the lease is refused to the loser; settling clears the lease.
    expect(
      await store.update(
        newPublication(1).id,
        { status: 'failed' },
        { leaseToken: loser },
      ),
    ).toBeUndefined();
    expect(
      await store.update(
        newPublication(1).id,
        { status: 'failed' },
        { leaseToken: winner },
      ),
    ).toMatchObject({
      status: 'failed',
    });
    expect(await store.leaseOf(newPublication(1).id)).toEqual({});
    expect(
      await store.claim(newPublication(2).id, lease('a', 'a-now', 10), {
        now: at(5),
      }),
    ).toBeUndefined();
    await store.update(newPublication(3).id, { status: 'unpublished' });
    await store.update(newPublication(2).id, { status: 'published' });
    expect(
      await store.listTakeable({ lease: me, now: at(30), restarted: true }),
    ).toEqual([]);
  });
});
