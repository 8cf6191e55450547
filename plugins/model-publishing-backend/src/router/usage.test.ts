import request from 'supertest';
import {
  ingestFixture,
  otherService,
  q,
  range,
  records,
  shipper,
  useUsageRoutes,
  user,
} from './__testUtils__/usageRoutes';

describe('usage routes: ingest and reports', () => {
  const t = useUsageRoutes();

  it('ingests NDJSON from an allowed service and reports it per key, by model or entity address', async () => {
    jest.useFakeTimers({
      now: new Date('2026-03-01T12:00:00Z'),
      doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout'],
    });
    try {
      expect(await ingestFixture(t.app)).toEqual({
        received: 12,
        accepted: 11,
        duplicates: 0,
        unmatched: 1,
        skipped: 0,
      });
      const json = await request(t.app)
        .post('/usage/ingest')
        .set('Authorization', shipper)
        .send({ records });
      expect(json.body).toMatchObject({ accepted: 0, duplicates: 11 });

      for (const path of [
        '/models/default/ml/llama',
        '/entities/component/ml/llama',
      ]) {
        const res = await request(t.app)
          .get(`${path}/publication/usage?${range}`)
          .set('Authorization', user);
        expect(res.status).toBe(200);
        expect(res.body.totals).toEqual({
          requests: 9,
          status401: 2,
          status403: 1,
          status429: 2,
          status4xxOther: 0,
          status5xx: 1,
          inputTokens: 430,
          outputTokens: 203,
        });
        expect(
          res.body.keys.map((k: any) => [
            k.keyName ?? k.clientId,
            k.totals.requests,
          ]),
        ).toEqual([
          ['app', 4],
          ['batch', 3],
          ['', 2],
        ]);
        // key-a1 made 4 requests in the 10:00 hour against a 5/hour limit: 80% crossed
        expect(res.body.alerts).toEqual([
          expect.objectContaining({
            scope: 'key',
            keyId: 'a1',
            window: 'hour',
            used: 4,
            limit: 5,
            threshold: 80,
          }),
        ]);
      }

      // series=keys: each key's row carries its own buckets (the chart's per-key lines)
      const perKey = await request(t.app)
        .get(`/models/default/ml/llama/publication/usage?${range}&series=keys`)
        .set('Authorization', user);
      expect(perKey.status).toBe(200);
      for (const k of perKey.body.keys)
        expect(k.buckets.reduce((n: number, b: any) => n + b.requests, 0)).toBe(
          k.totals.requests,
        );

      const csv = await request(t.app)
        .get(
          `/models/default/ml/llama/publication/usage.csv?${range}&granularity=hour`,
        )
        .set('Authorization', user);
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toContain(
        'usage-ml-llama-2026-03-01-hour.csv',
      );
      expect(csv.text.split('\r\n')[1]).toBe(
        'publication,,2026-03-01T10:00:00.000Z,7,2,0,2,0,0,430,203',
      );

      t.deniedRefs.add('component:ml/fraud');
      const summary = await request(t.app)
        .get(`/usage/summary?${range}`)
        .set('Authorization', user);
      expect(summary.status).toBe(200);
      expect(
        summary.body.items.map((i: any) => [
          i.name,
          i.totals.requests,
          i.alerts,
        ]),
      ).toEqual([['llama', 9, 1]]);
      // the list page's sparkline comes with it: requests per UTC day of the range
      expect(summary.body.days).toEqual(['2026-03-01T00:00:00.000Z']);
      expect(summary.body.items[0].requestsPerDay).toEqual([9]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses a malformed batch as a whole with 400 naming the record, storing nothing', async () => {
    const bad = records.map(r => ({ ...r }));
    bad[3].response_code = 'oops';
    const res = await request(t.app)
      .post('/usage/ingest')
      .set('Authorization', shipper)
      .send({ records: bad });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'records[3].response_code: response_code must be an HTTP status code',
    );
    const [{ n }] = await t.db('usage_ingest_seen').count({ n: '*' });
    expect(Number(n)).toBe(0);
  });

  it('answers 401 without credentials and 403 for users or unlisted services on ingest', async () => {
    expect(
      (await request(t.app).post('/usage/ingest').send({ records })).status,
    ).toBe(401);
    expect(
      (
        await request(t.app).get(
          `/models/default/ml/llama/publication/usage?${range}`,
        )
      ).status,
    ).toBe(401);
    expect((await request(t.app).get('/usage/summary')).status).toBe(401);

    const asUser = await request(t.app)
      .post('/usage/ingest')
      .set('Authorization', user)
      .send({ records });
    expect(asUser.status).toBe(403);
    const asOther = await request(t.app)
      .post('/usage/ingest')
      .set('Authorization', otherService)
      .send({ records });
    expect(asOther.status).toBe(403);
    expect(asOther.body.error.message).toContain(
      "service 'plugin:catalog' may not ingest usage",
    );
  });

  it('answers 403 without usage.read, audits the denial, and reads nothing', async () => {
    t.allowed.clear();
    const res = await request(t.app)
      .get(`/models/default/ml/llama/publication/usage?${range}`)
      .set('Authorization', user);
    expect(res.status).toBe(403);
    const rows = await t.db('audit_log').select();
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'usage.read',
        outcome: 'denied',
        entity_ref: 'component:ml/llama',
      }),
    ]);
    const summary = await request(t.app)
      .get('/usage/summary')
      .set('Authorization', user);
    expect(summary.body.items).toEqual([]);
  });

  it('answers 400 naming the parameter for bad ranges, and 404 for a model without publication', async () => {
    const bad = async (query: string) => {
      const res = await request(t.app)
        .get(`/models/default/ml/llama/publication/usage?${query}`)
        .set('Authorization', user);
      expect(res.status).toBe(400);
      return res.body.error.message as string;
    };
    expect(await bad('granularity=minute')).toMatch(/granularity/);
    expect(await bad('series=models')).toMatch(/series/);
    expect(await bad('from=yesterday')).toMatch(/from/);
    expect(
      await bad(
        q({ from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }),
      ),
    ).toBe('from: must be before to');
    expect(
      await bad(
        q({ from: '2020-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }),
      ),
    ).toMatch(/^to: the range spans/);

    const none = await request(t.app)
      .get('/models/default/ml/unpublished/publication/usage')
      .set('Authorization', user);
    expect(none.status).toBe(404);
  });
});
