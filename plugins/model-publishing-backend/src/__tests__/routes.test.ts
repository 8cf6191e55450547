import { mockCredentials } from '@backstage/backend-test-utils';
import {
  DEMO_MODELS,
  entityFor,
  NAMESPACE,
  PluginHarness,
  startPluginHarness,
} from '../__testUtils__/harness';

jest.setTimeout(120_000);

const auth = {
  Authorization: mockCredentials.user.header('user:default/alice'),
};
// Without any header the test backend's mock auth falls back to a default user; this is "no credentials".
const noAuth = { Authorization: mockCredentials.none.header() };
const API = '/api/model-publishing';
const byModel = (name: string) => `${API}/models/default/${NAMESPACE}/${name}`;
const byEntity = (name: string) => `${API}/entities/component/default/${name}`;

type Method = 'get' | 'post' | 'put' | 'delete';
interface RouteCase {
  route: string;
  method: Method;
  suffix: string;
  body?: unknown;
  /** A request that is invalid, and the field the 400 must name. */
  bad: {
    suffix?: string;
    query?: string;
    body?: unknown;
    field: string;
    byModelOnly?: boolean;
  };
}

const validBody = { rateLimits: { requestsPerMinute: 60 } };
const MODEL_ROUTES: RouteCase[] = [
  {
    route: 'GET model',
    method: 'get',
    suffix: '',
    bad: { field: 'name', byModelOnly: true },
  },
  {
    route: 'POST dry-run',
    method: 'post',
    suffix: '/publication/dry-run',
    body: validBody,
    bad: {
      body: { rateLimits: { requestsPerMinute: 0 } },
      field: 'requestsPerMinute',
    },
  },
  {
    route: 'POST publication',
    method: 'post',
    suffix: '/publication',
    body: validBody,
    bad: {
      body: { rateLimits: { requestsPerSecond: 5 } },
      field: 'requestsPerSecond',
    },
  },
  {
    route: 'PUT publication',
    method: 'put',
    suffix: '/publication',
    body: validBody,
    bad: { body: { hostname: 42 }, field: 'hostname' },
  },
  {
    route: 'DELETE publication',
    method: 'delete',
    suffix: '/publication',
    bad: { field: 'name', byModelOnly: true },
  },
  {
    route: 'GET guide',
    method: 'get',
    suffix: '/publication/guide',
    bad: { field: 'name', byModelOnly: true },
  },
  {
    route: 'GET audit',
    method: 'get',
    suffix: '/audit',
    bad: { query: '?limit=0', field: 'limit' },
  },
];

function send(
  h: PluginHarness,
  method: Method,
  url: string,
  body?: unknown,
  headers: Record<string, string> = auth,
) {
  const req = h.request[method](url).set(headers);
  return body === undefined ? req : req.send(body as object);
}

describe('route guards', () => {
  let h: PluginHarness;
  beforeAll(async () => {
    h = await startPluginHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    h.allowed.clear();
    [
      'publication.read',
      'publication.create',
      'publication.update',
      'publication.delete',
      'audit.read',
    ].forEach(p => h.allowed.add(`model-publishing.${p}`));
    h.emulator.requests.length = 0;
  });

  describe.each([
    ['by model address', byModel],
    ['by catalog entity', byEntity],
  ])('%s', (_label, address) => {
    it.each(MODEL_ROUTES)(
      '$route: 401 without credentials, before anything is read',
      async c => {
        const res = await send(
          h,
          c.method,
          `${address('sklearn-iris')}${c.suffix}`,
          c.body,
          noAuth,
        );
        expect(res.status).toBe(401);
        expect(h.emulator.requests).toEqual([]);
      },
    );

    it.each(MODEL_ROUTES)(
      '$route: 403 when denied, the cluster never called, the denial audited',
      async c => {
        h.allowed.clear();
        const res = await send(
          h,
          c.method,
          `${address('sklearn-iris')}${c.suffix}`,
          c.body,
        );
        expect(res.status).toBe(403);
        expect(res.body.error.name).toBe('NotAllowedError');
        expect(h.emulator.requests).toEqual([]);
        h.allowed.add('model-publishing.audit.read');
        const audit = await h.request
          .get(`${address('sklearn-iris')}/audit`)
          .set(auth);
        expect(audit.body.items[0]).toMatchObject({
          actor: 'user:default/alice',
          outcome: 'denied',
        });
      },
    );

    it.each(MODEL_ROUTES)(
      '$route: 400 naming the bad field, nothing called',
      async c => {
        if (c.bad.byModelOnly && address === byEntity) return; // entity names are free-form catalog names
        const name = c.bad.byModelOnly ? 'Not_A_Name' : 'sklearn-iris';
        const res = await send(
          h,
          c.method,
          `${address(name)}${c.suffix}${c.bad.query ?? ''}`,
          c.bad.body ?? c.body,
        );
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(c.bad.field);
        expect(h.emulator.requests.filter(r => r.method !== 'GET')).toEqual([]);
      },
    );

    it.each(MODEL_ROUTES)(
      '$route: 404 for a model no catalog entity stands for, cluster untouched',
      async c => {
        const res = await send(
          h,
          c.method,
          `${address('nobody-home')}${c.suffix}`,
          c.body,
        );
        expect(res.status).toBe(404);
        expect(res.body.error.name).toBe('NotFoundError');
        expect(h.emulator.requests).toEqual([]);
      },
    );
  });

  it('GET /publications: 401, 400 naming the field, and only readable items', async () => {
    expect(
      (await h.request.get(`${API}/publications`).set(noAuth)).status,
    ).toBe(401);
    const bad = await h.request.get(`${API}/publications?limit=500`).set(auth);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('limit');
    const badKind = await h.request
      .get(`${API}/publications?kind=grpc`)
      .set(auth);
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.message).toContain('kind');

    const published = await h.request
      .post(`${byModel('xgboost-iris')}/publication`)
      .set(auth)
      .send(validBody);
    expect(published.status).toBe(201);
    const list = await h.request
      .get(`${API}/publications?namespace=${NAMESPACE}`)
      .set(auth);
    expect(list.status).toBe(200);
    expect(list.body.items.map((p: any) => p.name)).toContain('xgboost-iris');
    h.allowed.delete('model-publishing.publication.read');
    const hidden = await h.request.get(`${API}/publications`).set(auth);
    expect(hidden.status).toBe(200);
    expect(hidden.body.items).toEqual([]);
    h.allowed.add('model-publishing.publication.read');
    expect(
      (
        await h.request
          .delete(`${byModel('xgboost-iris')}/publication`)
          .set(auth)
      ).status,
    ).toBe(200);
  });

  describe('query parameters: 400 naming the parameter, nothing read from the cluster', () => {
    const enc = encodeURIComponent;
    const dayAfter = `from=${enc('2026-01-02T00:00:00Z')}&to=${enc(
      '2026-01-01T00:00:00Z',
    )}`;
    const cases: [string, string][] = [
      ['/publications?limit=abc', 'limit'],
      ['/publications?limit=0', 'limit'],
      ['/publications?limit=201', 'limit'],
      ['/publications?limit=1.5', 'limit'],
      ['/publications?cursor=not-a-cursor', 'cursor'],
      ['/publications?cursor=', 'cursor'],
      ['/publications?kind=grpc', 'kind'],
      ['/publications?status=gone', 'status'],
      ['/publications?owner=', 'owner'],
      ['/publications?sort=price', 'sort'],
      ['/publications?order=up', 'order'],
      ['/publications?sort=name&cursor=MTc2NzIyNTYwMDAwMDphYmM', 'cursor'],
      ['/publications?unknown=1', 'unknown'],
      ['/usage/summary?from=yesterday', 'from'],
      ['/usage/summary?to=2026-13-01T00:00:00Z', 'to'],
      [`/usage/summary?${dayAfter}`, 'from'],
      ['/usage/summary?granularity=day', 'granularity'],
      ...[byModel, byEntity].flatMap(address => {
        const m = address('sklearn-iris').slice(API.length);
        return [
          [`${m}/audit?limit=abc`, 'limit'],
          [`${m}/audit?limit=500`, 'limit'],
          [`${m}/audit?cursor=garbage`, 'cursor'],
          [`${m}/publication/usage?from=yesterday`, 'from'],
          [`${m}/publication/usage?to=tomorrow`, 'to'],
          [`${m}/publication/usage?granularity=week`, 'granularity'],
          [`${m}/publication/usage?${dayAfter}`, 'from'],
          [
            `${m}/publication/usage?from=${enc(
              '2020-01-01T00:00:00Z',
            )}&to=${enc('2026-01-01T00:00:00Z')}`,
            'to',
          ],
          [`${m}/publication/usage.csv?granularity=minute`, 'granularity'],
          [`${m}/publication/usage.csv?${dayAfter}`, 'from'],
        ] as [string, string][];
      }),
    ];
    it.each(cases)('GET %s → 400 naming %s', async (url, field) => {
      h.allowed.add('model-publishing.usage.read');
      const res = await h.request.get(`${API}${url}`).set(auth);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(field);
      expect(h.emulator.requests).toEqual([]);
    });

    it('accepts date-times with unencoded colons (as curl users type them)', async () => {
      const res = await h.request
        .get(
          `${API}/usage/summary?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`,
        )
        .set(auth);
      expect(res.status).toBe(200);
    });
  });

  it('404 when the entity exists but its InferenceService does not', async () => {
    const res = await h.request.get(byModel('missing-isvc')).set(auth);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain(
      'InferenceService models/missing-isvc not found',
    );
  });

  it('409 with the Ready condition message for a model that is not ready', async () => {
    const res = await h.request
      .post(`${byModel('not-ready')}/publication`)
      .set(auth)
      .send(validBody);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('insufficient nvidia.com/gpu');
    expect(h.clusterWrites()).toEqual([]);
  });

  it('422 naming the field for token limits on a predictive model', async () => {
    const res = await h.request
      .post(`${byModel('sklearn-iris')}/publication`)
      .set(auth)
      .send({ rateLimits: { tokensPerMinute: 1000 } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ name: 'UnprocessableError' });
    expect(res.body.error.message).toContain('rateLimits.tokensPerMinute');
    expect(h.clusterWrites()).toEqual([]);
  });

  it('dry run returns the objects without writing anything', async () => {
    const res = await h.request
      .post(`${byEntity('vllm-qwen')}/publication/dry-run`)
      .set(auth)
      .send({ ...validBody, firstKey: { name: 'x' } });
    expect(res.status).toBe(200);
    expect(res.body.objects.map((o: any) => o.kind)).toEqual([
      'Secret',
      'Backend',
      'AIServiceBackend',
      'SecurityPolicy',
      'BackendTrafficPolicy',
      'AIGatewayRoute',
    ]);
    expect(h.clusterWrites()).toEqual([]);
  });

  it.each([
    ['publish', '/publication'],
    ['dry run', '/publication/dry-run'],
  ])(
    '%s: 400 for a first key that expired already, before any record or cluster write',
    async (_label, suffix) => {
      const res = await h.request
        .post(`${byModel('sklearn-iris')}${suffix}`)
        .set(auth)
        .send({
          ...validBody,
          firstKey: { name: 'app', expiresAt: '2020-01-01T00:00:00Z' },
        });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        name: 'InputError',
        message: 'firstKey.expiresAt must be in the future',
      });
      expect(h.clusterWrites()).toEqual([]);
      // No publication record (not even a failed one) and no key.
      const model = await h.request.get(byModel('sklearn-iris')).set(auth);
      expect(model.status).toBe(200);
      expect(model.body.publication).toBeUndefined();
      const list = await h.request.get(`${API}/publications`).set(auth);
      expect(
        list.body.items.filter((p: any) => p.name === 'sklearn-iris'),
      ).toEqual([]);
    },
  );

  it('PUT and DELETE of an unpublished model are 404', async () => {
    expect(
      (
        await h.request
          .put(`${byModel('sklearn-iris')}/publication`)
          .set(auth)
          .send(validBody)
      ).status,
    ).toBe(404);
    expect(
      (
        await h.request
          .delete(`${byModel('sklearn-iris')}/publication`)
          .set(auth)
      ).status,
    ).toBe(404);
    expect(
      (
        await h.request
          .get(`${byModel('sklearn-iris')}/publication/guide`)
          .set(auth)
      ).status,
    ).toBe(404);
  });

  it("update's dry run (mode=update): the planned objects beside those the current settings build, no key value, nothing written, publication.update", async () => {
    const url = `${byModel('xgboost-iris')}/publication`;
    const published = await h.request
      .post(url)
      .set(auth)
      .send({ ...validBody, firstKey: { name: 'app' } });
    expect(published.status).toBe(201);
    const secret: string = published.body.key.secret;
    const writes = h.clusterWrites().length;
    try {
      const res = await h.request
        .post(`${url}/dry-run?mode=update`)
        .set(auth)
        .send({ rateLimits: { requestsPerMinute: 5, requestsPerDay: 100 } });
      expect(res.status).toBe(200);
      expect(res.body.current.map((o: any) => o.kind)).toEqual(
        res.body.objects.map((o: any) => o.kind),
      );
      const policy = (list: any[]) =>
        JSON.stringify(list.find(o => o.kind === 'BackendTrafficPolicy'));
      expect(policy(res.body.current)).toContain('"requests":60');
      expect(policy(res.body.objects)).toContain('"requests":5');
      expect(policy(res.body.objects)).toContain('"requests":100');
      expect(Array.isArray(res.body.notes)).toBe(true);
      // The live key is in both Secrets by client id, never by value.
      expect(res.text).not.toContain(secret);
      expect(res.text).not.toContain(Buffer.from(secret).toString('base64'));
      expect(h.clusterWrites()).toHaveLength(writes);
      // Asked by whoever may update; a publish's dry run of a published model stays publication.create.
      h.allowed.delete('model-publishing.publication.update');
      const denied = await h.request
        .post(`${url}/dry-run?mode=update`)
        .set(auth)
        .send(validBody);
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain('publication.update');
    } finally {
      h.allowed.add('model-publishing.publication.update');
      await h.request.delete(url).set(auth);
    }
    // Nothing published: nothing to update.
    expect(
      (
        await h.request
          .post(`${url}/dry-run?mode=update`)
          .set(auth)
          .send(validBody)
      ).status,
    ).toBe(404);
  });
});

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
