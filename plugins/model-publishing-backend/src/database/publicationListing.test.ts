import type { PublicationStore } from './PublicationStore';
import {
  describeOnEachDatabase,
  newPublication,
} from './__testUtils__/publications';

jest.setTimeout(60_000);

describeOnEachDatabase('PublicationStore listing', ctx => {
  let store: PublicationStore;
  beforeEach(() => {
    ({ store } = ctx);
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
    await expect(store.list({ cursor: 'not-a-cursor' })).rejects.toMatchObject({
      name: 'InputError',
    });
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
    expect((await store.list({ q: '100%', limit: 200 })).items).toHaveLength(1);
    expect((await store.list({ q: 'model-2', limit: 200 })).items).toHaveLength(
      11,
    );
    expect((await store.list({ q: 'openai', limit: 200 })).items).toHaveLength(
      15,
    );
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

  it('counts every record a query selects, not only one page, and per status; cursor and limit do not change it', async () => {
    for (let i = 0; i < 30; i++)
      await store.insertPublishing(newPublication(i));
    await store.update(newPublication(3).id, { status: 'unpublished' });
    await store.update(newPublication(4).id, { status: 'failed' });
    await store.update(newPublication(5).id, { status: 'published' });

    const page = await store.list({ limit: 4 });
    expect(page.items).toHaveLength(4);
    expect(await store.count({ limit: 4, cursor: page.nextCursor })).toEqual({
      total: 30,
      byStatus: { publishing: 27, unpublished: 1, failed: 1, published: 1 },
    });
    expect(await store.count({ excludeUnpublished: true })).toMatchObject({
      total: 29,
    });
    // The same filters as the list: owner, kind, search, current, entity refs.
    const genai = await store.count({ owner: 'group:default/genai' });
    let listed = 0;
    let cursor: string | undefined;
    do {
      const p = await store.list({
        owner: 'group:default/genai',
        cursor,
        limit: 3,
      });
      listed += p.items.length;
      cursor = p.nextCursor;
    } while (cursor);
    expect(genai.total).toBe(listed);
    expect(genai.total).toBe(10);
    expect(await store.count({ kind: 'openai', q: 'model-2' })).toMatchObject({
      total: 6, // model-2, -20, -22, -24, -26, -28
    });
    expect(
      await store.count({
        entityRefs: [
          newPublication(1).entityRef!,
          newPublication(2).entityRef!,
        ],
      }),
    ).toMatchObject({ total: 2 });
  });

  it('counts only records whose entity the caller may read, asking once per distinct entity', async () => {
    for (let i = 0; i < 6; i++) await store.insertPublishing(newPublication(i));
    // A record without an entity is never readable.
    await store.insertPublishing(newPublication(6, { entityRef: undefined }));
    // A second record of model-1 (the first unpublished): one entity, two records.
    await store.update(newPublication(1).id, { status: 'unpublished' });
    await store.insertPublishing(
      newPublication(7, {
        name: 'model-1',
        entityRef: newPublication(1).entityRef,
      }),
    );
    const asked: string[][] = [];
    const counts = await store.count({}, async refs => {
      asked.push([...refs].sort());
      return new Set([
        newPublication(1).entityRef!,
        newPublication(2).entityRef!,
      ]);
    });
    expect(asked).toEqual([
      [0, 1, 2, 3, 4, 5].map(i => newPublication(i).entityRef!).sort(),
    ]);
    expect(counts).toEqual({
      total: 3,
      byStatus: { publishing: 2, unpublished: 1 },
    });
    expect(
      (
        await store.count(
          { current: true },
          async () => new Set([newPublication(1).entityRef!]),
        )
      ).total,
    ).toBe(1);
  });

  it('searches the endpoint URLs, so an LLM is found by its hostname; descriptions and JSON keys are not searched', async () => {
    await store.insertPublishing(
      newPublication(1, {
        endpoints: [
          {
            url: 'https://qwen-genai.llm.example.com/v1',
            description: 'OpenAI-compatible base URL',
          },
          {
            url: 'https://models.example.com/models/genai/qwen/docs',
            description: 'docs',
          },
        ],
      }),
    );
    await store.insertPublishing(newPublication(2));
    const found = async (q: string) =>
      (await store.list({ q, limit: 200 })).items.map(p => p.name);
    expect(await found('QWEN-GENAI.llm')).toEqual(['model-1']);
    expect(await found('llm.example.com')).toEqual(['model-1']);
    expect(await found('/models/fraud/model-2')).toEqual(['model-2']);
    expect(await found('compatible')).toEqual([]);
    expect(await found('description')).toEqual([]);
    expect(await found('"url"')).toEqual([]);
    expect((await store.count({ q: 'llm.example' })).total).toBe(1);
  });
});
