import type { PublicationStore } from './PublicationStore';
import {
  describeOnEachDatabase,
  newPublication,
} from './__testUtils__/publications';

jest.setTimeout(60_000);

describeOnEachDatabase('PublicationStore hostnames', ctx => {
  let store: PublicationStore;
  beforeEach(() => {
    ({ store } = ctx);
  });

  it('lets one live publication hold a hostname: of concurrent claims exactly one wins, 409 naming hostname', async () => {
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map(i =>
        store.insertPublishing(newPublication(i), undefined, {
          hostname: 'chat.acme.example',
        }),
      ),
    );
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
    const winner = [1, 2, 3, 4].find(
      (_, i) => results[i].status === 'fulfilled',
    )!;
    for (const r of results.filter(
      (x): x is PromiseRejectedResult => x.status === 'rejected',
    )) {
      expect(r.reason).toMatchObject({
        name: 'ConflictError',
        message: `hostname: 'chat.acme.example' is already used by the publication of ${
          newPublication(winner).namespace
        }/model-${winner} in cluster 'local'`,
      });
    }
    // The losers' records were not inserted either (one transaction).
    expect(
      await store.liveIds([1, 2, 3, 4].map(i => newPublication(i).id)),
    ).toEqual(new Set([newPublication(winner).id]));
    const other = newPublication(winner === 1 ? 2 : 1);
    await store.insertPublishing(other);
    const claims = await Promise.allSettled([
      store.claimHostname(other.id, 'chat.acme.example'),
      store.claimHostname(newPublication(winner).id, 'chat.acme.example'),
    ]);
    expect(claims.map(c => c.status)).toEqual(['rejected', 'fulfilled']);
    // An update holds old and new until it settles; leaving the live statuses gives every hostname up.
    await store.claimHostname(newPublication(winner).id, 'new.acme.example');
    expect(await store.hostnamesOf(newPublication(winner).id)).toEqual([
      'chat.acme.example',
      'new.acme.example',
    ]);
    await store.releaseHostnames(newPublication(winner).id, 'new.acme.example');
    expect(await store.hostnamesOf(newPublication(winner).id)).toEqual([
      'new.acme.example',
    ]);
    await store.update(newPublication(winner).id, { status: 'unpublished' });
    expect(await store.hostnamesOf(newPublication(winner).id)).toEqual([]);
    await store.claimHostname(other.id, 'new.acme.example');
    expect(await store.hostnamesOf(other.id)).toEqual(['new.acme.example']);
  });
});
