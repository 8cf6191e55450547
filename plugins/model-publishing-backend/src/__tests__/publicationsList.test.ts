import {
  DEMO_MODELS,
  entityFor,
  NAMESPACE,
  type PluginHarness,
  startPluginHarness,
} from '../__testUtils__/harness';
import { auth, API, byModel, validBody } from '../__testUtils__/routeCases';

jest.setTimeout(120_000);

describe('tenants', () => {
  let h: PluginHarness;
  beforeAll(async () => {
    h = await startPluginHarness({
      config: {
        tenants: [
          {
            group: 'group:default/ml-team',
            namespaces: [NAMESPACE],
            maxPublications: 1,
            maxRequestsPerMinute: 100,
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('422 over the quota, naming the field; within it, publishes', async () => {
    const over = await h.request
      .post(`${byModel('sklearn-iris')}/publication`)
      .set(auth)
      .send({ rateLimits: { requestsPerMinute: 500 } });
    expect(over.status).toBe(422);
    expect(over.body.error.message).toContain(
      'rateLimits.requestsPerMinute: 500 exceeds',
    );
    const ok = await h.request
      .post(`${byModel('sklearn-iris')}/publication`)
      .set(auth)
      .send({ rateLimits: { requestsPerMinute: 100 } });
    expect(ok.status).toBe(201);
    const second = await h.request
      .post(`${byModel('xgboost-iris')}/publication`)
      .set(auth)
      .send({ rateLimits: { requestsPerMinute: 100 } });
    expect(second.status).toBe(422);
    expect(second.body.error.message).toContain('maxPublications');
  });
});

describe('GET /publications filters', () => {
  let h: PluginHarness;
  const owners: Record<string, string> = {
    'sklearn-iris': 'group:default/team-a',
    'xgboost-iris': 'group:default/team-b',
    'vllm-qwen': 'group:default/team-a',
  };
  const names = (res: { body: { items: { name: string }[] } }) =>
    res.body.items.map(p => p.name).sort();
  const list = (query: string) =>
    h.request.get(`${API}/publications?${query}`).set(auth);

  beforeAll(async () => {
    h = await startPluginHarness({
      entities: Object.values(DEMO_MODELS).map(m =>
        entityFor(m.metadata.name, owners[m.metadata.name]),
      ),
    });
    const ok = (res: { status: number; text: string }, status: number) => {
      if (res.status !== status)
        throw new Error(`setup failed: ${res.status} ${res.text}`);
    };
    for (const name of Object.keys(owners)) {
      ok(
        await h.request
          .post(`${byModel(name)}/publication`)
          .set(auth)
          .send(validBody),
        201,
      );
    }
    ok(
      await h.request
        .delete(`${byModel('xgboost-iris')}/publication`)
        .set(auth),
      200,
    );
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each([
    ['', ['sklearn-iris', 'vllm-qwen', 'xgboost-iris']],
    ['owner=group:default/team-a', ['sklearn-iris', 'vllm-qwen']],
    ['owner=group:default/team-b', ['xgboost-iris']],
    ['owner=group:default/nobody', []],
    [`namespace=${NAMESPACE}`, ['sklearn-iris', 'vllm-qwen', 'xgboost-iris']],
    ['namespace=elsewhere', []],
    ['kind=openai', ['vllm-qwen']],
    ['kind=v1', ['sklearn-iris']],
    ['kind=v2', ['xgboost-iris']],
    ['status=published', ['sklearn-iris', 'vllm-qwen']],
    ['status=unpublished', ['xgboost-iris']],
    ['status=failed', []],
    ['owner=group:default/team-a&kind=v1&status=published', ['sklearn-iris']],
    ['excludeUnpublished=true', ['sklearn-iris', 'vllm-qwen']],
    ['q=TEAM-B', ['xgboost-iris']],
    ['q=QWEN&sort=name', ['vllm-qwen']],
    ['q=100%25', []],
  ])('?%s', async (query, expected) => {
    const res = await list(query);
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(expected);
  });

  it('sorts by name either way, each order paged with its own cursor', async () => {
    const walk = async (order: string) => {
      const seen: string[] = [];
      let cursor = '';
      do {
        const res = await list(
          `sort=name&order=${order}&limit=1${
            cursor ? `&cursor=${cursor}` : ''
          }`,
        );
        expect(res.status).toBe(200);
        seen.push(...res.body.items.map((p: { name: string }) => p.name));
        cursor = res.body.nextCursor ?? '';
      } while (cursor);
      return seen;
    };
    expect(await walk('asc')).toEqual([
      'sklearn-iris',
      'vllm-qwen',
      'xgboost-iris',
    ]);
    expect(await walk('desc')).toEqual([
      'xgboost-iris',
      'vllm-qwen',
      'sklearn-iris',
    ]);
  });

  it('pages newest first with cursors, filters kept across pages', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const res = await list(
        `owner=${encodeURIComponent('group:default/team-a')}&limit=1${
          cursor ? `&cursor=${cursor}` : ''
        }`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(1);
      seen.push(res.body.items[0].name);
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(['vllm-qwen', 'sklearn-iris']);
  });
});
