import { NAMESPACE } from '../__testUtils__/harness';
import {
  auth,
  noAuth,
  API,
  byModel,
  byEntity,
  validBody,
  MODEL_ROUTES,
  send,
  useGuardedHarness,
} from '../__testUtils__/routeCases';

jest.setTimeout(120_000);

describe('route guards', () => {
  const h = useGuardedHarness();

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
});
