import { Knex } from 'knex';
import { migrate, migrationsDir } from './migrate';
import { PublicationStore } from './PublicationStore';
import {
  describeOnEachDatabase,
  newPublication,
} from './__testUtils__/publications';

jest.setTimeout(60_000);

describeOnEachDatabase('PublicationStore', ctx => {
  let db: Knex;
  let store: PublicationStore;
  beforeEach(() => {
    ({ db, store } = ctx);
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
});
