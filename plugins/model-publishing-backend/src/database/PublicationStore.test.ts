import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { migrate, migrationsDir } from './migrate';
import { NewPublication, PublicationStore } from './PublicationStore';

jest.setTimeout(60_000);
const databases = createTestDatabases();

function newPublication(
  i: number,
  patch: Partial<NewPublication> = {},
): NewPublication {
  return {
    id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    cluster: 'local',
    namespace: i % 2 ? 'fraud' : 'genai',
    name: `model-${i}`,
    entityRef: `component:default/model-${i}`,
    owner: i % 3 ? 'group:default/fraud' : 'group:default/genai',
    modelKind: i % 2 ? 'v1' : 'openai',
    config: { rateLimits: { requestsPerMinute: 60 } },
    objects: [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: 'fraud',
        name: `model-${i}-mp-keys`,
      },
    ],
    endpoints: [
      {
        url: `https://models.example.com/models/fraud/model-${i}`,
        description: 'base',
      },
    ],
    createdBy: 'user:default/alice',
    ...patch,
  };
}

describe.each(databases.eachSupportedId())(
  'PublicationStore on %s',
  databaseId => {
    let db: Knex;
    let store: PublicationStore;

    beforeEach(async () => {
      db = await databases.init(databaseId);
      await migrate(db);
      store = new PublicationStore(db);
    });

    it('migrates up and down cleanly (init migration)', async () => {
      for (const table of [
        'publications',
        'publication_status_history',
        'audit_log',
      ]) {
        expect(await db.schema.hasTable(table)).toBe(true);
      }
      await db.migrate.rollback({ directory: migrationsDir }, true);
      expect(await db.schema.hasTable('publications')).toBe(false);
      expect(await db.schema.hasTable('audit_log')).toBe(false);
      await migrate(db);
      expect(await db.schema.hasTable('publications')).toBe(true);
    });

    it('round-trips a publication and its JSON columns', async () => {
      const p = newPublication(1);
      await store.insertPublishing(p, new Date('2026-11-26T10:00:00.123Z'));
      const got = await store.get(p.id);
      expect(got).toMatchObject({
        id: p.id,
        status: 'publishing',
        config: p.config,
        objects: p.objects,
        endpoints: p.endpoints,
        createdAt: '2026-11-26T10:00:00.123Z',
        modelKind: 'v1',
        owner: 'group:default/fraud',
      });
    });

    it('allows one live publication per model, and a new one once it is failed or unpublished', async () => {
      await store.insertPublishing(newPublication(1));
      await expect(
        store.insertPublishing(
          newPublication(2, { name: 'model-1', namespace: 'fraud' }),
        ),
      ).rejects.toMatchObject({
        name: 'ConflictError',
      });
      await store.update(newPublication(1).id, {
        status: 'failed',
        statusReason: 'boom',
      });
      await store.insertPublishing(
        newPublication(3, { name: 'model-1', namespace: 'fraud' }),
      );
      expect((await store.findLive('local', 'fraud', 'model-1'))?.id).toBe(
        newPublication(3).id,
      );
      // The same model in another cluster is another model.
      await store.insertPublishing(
        newPublication(4, {
          name: 'model-1',
          namespace: 'fraud',
          cluster: 'prod',
        }),
      );
    });

    it('finds the current record: the live one even when a failed one is newer, else the newest', async () => {
      const t = (s: number) =>
        new Date(Date.parse('2026-01-01T00:00:00Z') + s * 1000);
      const same = { name: 'model-1', namespace: 'fraud' };
      await store.insertPublishing(newPublication(1, same), t(5));
      await store.update(newPublication(1).id, { status: 'failed' });
      await store.insertPublishing(newPublication(3, same), t(1));
      const current = () => store.findCurrent('local', 'fraud', 'model-1');
      expect((await current())?.id).toBe(newPublication(3).id);
      await store.update(newPublication(3).id, { status: 'unpublished' });
      expect((await current())?.id).toBe(newPublication(1).id);
      expect(await store.findCurrent('local', 'fraud', 'none')).toBeUndefined();
    });

    it("lists only each model's current record on request: publish → unpublish → publish shows the live one (issue 23 item 2)", async () => {
      const t = (s: number) =>
        new Date(Date.parse('2026-01-01T00:00:00Z') + s * 1000);
      const same = { name: 'model-1', namespace: 'fraud' };
      await store.insertPublishing(newPublication(1, same), t(1));
      await store.update(newPublication(1).id, { status: 'unpublished' });
      await store.insertPublishing(newPublication(2, same), t(2));
      await store.update(newPublication(2).id, { status: 'published' });
      // Another model that failed once and stays unpublished, and one only ever failed.
      await store.insertPublishing(newPublication(5), t(3));
      await store.update(newPublication(5).id, { status: 'unpublished' });
      await store.insertPublishing(newPublication(7), t(4));
      await store.update(newPublication(7).id, { status: 'failed' });

      const all = await store.list({ limit: 200 });
      expect(all.items).toHaveLength(4);
      const current = await store.list({ current: true, limit: 200 });
      expect(current.items.map(p => [p.name, p.status])).toEqual([
        ['model-7', 'failed'],
        ['model-5', 'unpublished'],
        ['model-1', 'published'],
      ]);
      // "Not published" lists the model that is not live, never the one that is live again.
      const notPublished = await store.list({
        current: true,
        status: 'unpublished',
        limit: 200,
      });
      expect(notPublished.items.map(p => p.name)).toEqual(['model-5']);
      // Pages of current records join up like any other pages.
      const first = await store.list({ current: true, limit: 2 });
      const second = await store.list({
        current: true,
        limit: 2,
        cursor: first.nextCursor,
      });
      expect([...first.items, ...second.items].map(p => p.name)).toEqual([
        'model-7',
        'model-5',
        'model-1',
      ]);
    });

    it('lets exactly one of 50 concurrent inserts of one model win', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          store.insertPublishing(
            newPublication(100 + i, { name: 'same', namespace: 'fraud' }),
          ),
        ),
      );
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(rejected).toHaveLength(49);
      expect(rejected.every(r => r.reason.name === 'ConflictError')).toBe(true);
      expect(await db('publications').count({ n: '*' })).toEqual([
        { n: expect.anything() },
      ]);
      expect(Number((await db('publications').count({ n: '*' }))[0].n)).toBe(1);
    });

    it('with an owner quota, counts and inserts atomically: 20 concurrent inserts of different models, max 2', async () => {
      const quota = {
        max: 2,
        exceeded: (live: number) =>
          Object.assign(new Error(`quota: ${live} live`), {
            name: 'QuotaError',
          }),
      };
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.insertPublishing(
            newPublication(200 + i, { owner: 'group:default/fraud' }),
            undefined,
            { quota },
          ),
        ),
      );
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(2);
      const rejected = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(rejected.map(r => r.reason.message)).toEqual(
        rejected.map(() => 'quota: 2 live'),
      );
      expect(await store.countLiveByOwner('group:default/fraud')).toBe(2);
      // Refused inserts leave no history behind either.
      expect(
        Number((await db('publication_status_history').count({ n: '*' }))[0].n),
      ).toBe(2);
    });

    it('compare-and-sets status and appends history', async () => {
      const p = newPublication(1);
      await store.insertPublishing(p);
      expect(
        await store.update(
          p.id,
          { status: 'updating' },
          { fromStatuses: ['published'] },
        ),
      ).toBeUndefined();
      const published = await store.update(
        p.id,
        { status: 'published' },
        { fromStatuses: ['publishing'], actor: 'user:default/a' },
      );
      expect(published?.status).toBe('published');
      await store.update(
        p.id,
        { status: 'published' },
        { historyReason: 'update failed: nope' },
      );
      const history = await store.history(p.id);
      expect(history.map(h => h.status)).toEqual([
        'publishing',
        'published',
        'published',
      ]);
      expect(history[2].reason).toBe('update failed: nope');
      expect((await store.get(p.id))?.statusReason).toBeUndefined();
    });

    it('pages newest first with a stable keyset cursor and filters', async () => {
      const base = Date.parse('2026-01-01T00:00:00Z');
      for (let i = 0; i < 120; i++) {
        // Pairs share a timestamp, so the id tie-breaker is exercised.
        await store.insertPublishing(
          newPublication(i),
          new Date(base + Math.floor(i / 2) * 1000),
        );
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list({ limit: 50, cursor });
        seen.push(...page.items.map(p => p.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(120);
      expect(new Set(seen).size).toBe(120);
      expect(seen[0]).toBe(newPublication(119).id);
      expect(seen[119]).toBe(newPublication(0).id);

      const fraud = await store.list({
        namespace: 'fraud',
        kind: 'v1',
        limit: 200,
      });
      expect(fraud.items).toHaveLength(60);
      expect(
        fraud.items.every(p => p.namespace === 'fraud' && p.modelKind === 'v1'),
      ).toBe(true);
      const owned = await store.list({
        owner: 'group:default/genai',
        status: 'publishing',
        limit: 200,
      });
      expect(owned.items).toHaveLength(40);
      await expect(
        store.list({ cursor: 'not-a-cursor' }),
      ).rejects.toMatchObject({ name: 'InputError' });
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

    it('sorts by name, namespace, owner or status in either order, searches text, and pages each order with its own cursor', async () => {
      for (let i = 0; i < 30; i++) {
        await store.insertPublishing(
          newPublication(
            i,
            i === 7 ? { name: 'Fraud_100%', owner: undefined } : {},
          ),
        );
      }
      await store.update(newPublication(3).id, { status: 'unpublished' });
      const all = async (query: Parameters<PublicationStore['list']>[0]) => {
        const items: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.list({ ...query, cursor, limit: 4 });
          items.push(
            ...page.items.map(
              p => `${p.namespace}|${p.name}|${p.owner ?? ''}|${p.status}`,
            ),
          );
          cursor = page.nextCursor;
        } while (cursor);
        return items;
      };
      const byName = await all({ sort: 'name' });
      expect(byName).toHaveLength(30);
      const names = byName.map(r => r.split('|')[1]);
      // The database's own collation decides between cases; within one store the pages follow it.
      expect(new Set(names).size).toBe(30);
      expect(await all({ sort: 'name', order: 'desc' })).toEqual(
        [...byName].reverse(),
      );
      const byNamespace = await all({ sort: 'namespace' });
      expect(byNamespace.map(r => r.split('|')[0])).toEqual([
        ...Array(15).fill('fraud'),
        ...Array(15).fill('genai'),
      ]);
      const byOwner = await all({ sort: 'owner', order: 'desc' });
      expect(byOwner[29].split('|')[2]).toBe('');
      expect(
        byOwner
          .slice(0, 10)
          .every(r => r.split('|')[2] === 'group:default/genai'),
      ).toBe(true);
      const byStatus = await all({ sort: 'status', order: 'desc' });
      expect(byStatus[29]).toContain('|publishing');
      expect(byStatus[0]).toContain('|unpublished');
      expect(
        await all({ sort: 'status', excludeUnpublished: true }),
      ).toHaveLength(29);

      // Search: any case, in name, namespace, cluster, owner or kind; its own % and _ are literal.
      expect(
        (await store.list({ q: 'FRAUD_100%' })).items.map(p => p.name),
      ).toEqual(['Fraud_100%']);
      expect((await store.list({ q: '100%', limit: 200 })).items).toHaveLength(
        1,
      );
      expect(
        (await store.list({ q: 'model-2', limit: 200 })).items,
      ).toHaveLength(11);
      expect(
        (await store.list({ q: 'openai', limit: 200 })).items,
      ).toHaveLength(15);
      expect(
        (await store.list({ q: 'genai', sort: 'name', limit: 200 })).items,
      ).toHaveLength(15 + 10 - 5);

      // A cursor continues the order it was made for, no other.
      const first = await store.list({ sort: 'name', limit: 4 });
      await expect(
        store.list({ sort: 'owner', cursor: first.nextCursor }),
      ).rejects.toMatchObject({ name: 'InputError' });
      await expect(
        store.list({ cursor: first.nextCursor }),
      ).rejects.toMatchObject({ name: 'InputError' });
      const newest = await store.list({ limit: 4 });
      await expect(
        store.list({ sort: 'name', cursor: newest.nextCursor }),
      ).rejects.toMatchObject({ name: 'InputError' });
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
      await store.releaseHostnames(
        newPublication(winner).id,
        'new.acme.example',
      );
      expect(await store.hostnamesOf(newPublication(winner).id)).toEqual([
        'new.acme.example',
      ]);
      await store.update(newPublication(winner).id, { status: 'unpublished' });
      expect(await store.hostnamesOf(newPublication(winner).id)).toEqual([]);
      await store.claimHostname(other.id, 'new.acme.example');
      expect(await store.hostnamesOf(other.id)).toEqual(['new.acme.example']);
    });

    it('counts live publications per owner', async () => {
      await store.insertPublishing(
        newPublication(1),
        new Date('2026-01-01T00:00:00Z'),
      );
      await store.insertPublishing(
        newPublication(2),
        new Date('2026-01-01T00:10:00Z'),
      );
      expect(await store.countLiveByOwner('group:default/fraud')).toBe(2);
      await store.update(newPublication(1).id, { status: 'unpublished' });
      expect(await store.countLiveByOwner('group:default/fraud')).toBe(1);
      expect(
        await store.liveIds([newPublication(1).id, newPublication(2).id]),
      ).toEqual(new Set([newPublication(2).id]));
    });
  },
);
