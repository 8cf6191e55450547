import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { AccessLogIngestor } from './AccessLogIngestor';
import { UsageStore } from '../UsageStore';
import { UsageService } from '../UsageService';
import { UsagePublicationInfo } from '../types';
import { createUsageTestDb, usageTestDatabases } from '../__testUtils__/db';

const lines = readFileSync(
  join(__dirname, '__fixtures__', 'envoy-access-log.ndjson'),
  'utf8',
);
const records = lines
  .split('\n')
  .filter(Boolean)
  .map(l => JSON.parse(l));

const base = {
  cluster: 'default',
  namespace: 'ml',
  live: true,
  limits: { keys: {} },
};
const llama: UsagePublicationInfo = {
  ...base,
  id: 'pub-llm',
  name: 'llama',
  modelKind: 'openai',
  routeName: 'llama-mp',
  clientIds: ['key-a1', 'key-b2'],
  keys: [
    { id: 'a1', name: 'app', clientId: 'key-a1' },
    { id: 'b2', name: 'batch', clientId: 'key-b2' },
  ],
};
const fraud: UsagePublicationInfo = {
  ...base,
  id: 'pub-v1',
  name: 'fraud',
  modelKind: 'v1',
  routeName: 'fraud-mp',
  clientIds: ['key-f1'],
  keys: [{ id: 'f1', name: 'scoring', clientId: 'key-f1' }],
};
const directory = {
  list: async () => [llama, fraud],
  get: async (id: string) => [llama, fraud].find(p => p.id === id),
};
const config = {
  retentionDays: 30,
  dailyRetentionDays: 400,
  ingest: { allowedSubjects: [], dedupeHours: 72, maxRecordsPerBatch: 1000 },
};
const NOW = Date.parse('2026-03-01T12:00:00Z');
const range = {
  from: new Date('2026-03-01T10:00:00Z'),
  to: new Date('2026-03-01T12:00:00Z'),
};

describe.each(usageTestDatabases())('AccessLogIngestor on %s', kind => {
  let db: Knex;
  let close: () => Promise<void>;
  let ingestor: AccessLogIngestor;
  let service: UsageService;
  let store: UsageStore;

  beforeEach(async () => {
    const t = await createUsageTestDb(kind);
    db = t.db;
    close = t.close;
    store = new UsageStore(db);
    ingestor = new AccessLogIngestor(store, directory, {
      ...config.ingest,
      now: () => NOW,
    });
    service = new UsageService(store, config);
  });
  afterEach(() => close());

  async function llamaHours() {
    const report = await service.report(llama, {
      ...range,
      granularity: 'hour',
    });
    return report;
  }

  it('counts a recorded set of access-log lines exactly, and a re-delivered batch not at all', async () => {
    const first = await ingestor.ingest(lines);
    expect(first).toEqual({
      received: 12,
      accepted: 11,
      duplicates: 0,
      unmatched: 1,
      skipped: 0,
    });

    const again = await ingestor.ingest({ records });
    expect(again).toEqual({
      received: 12,
      accepted: 0,
      duplicates: 11,
      unmatched: 1,
      skipped: 0,
    });

    const report = await llamaHours();
    expect(report.totals).toEqual({
      requests: 9,
      status401: 2,
      status403: 1,
      status429: 2,
      status4xxOther: 0,
      status5xx: 1,
      inputTokens: 430,
      outputTokens: 203,
    });
    expect(report.buckets.map(b => b.requests)).toEqual([7, 2]);
    const byKey = Object.fromEntries(
      report.keys.map(k => [k.clientId, k.totals]),
    );
    expect(byKey['key-a1']).toEqual({
      requests: 4,
      status401: 0,
      status403: 0,
      status429: 2,
      status4xxOther: 0,
      status5xx: 0,
      inputTokens: 420,
      outputTokens: 198,
    });
    expect(byKey['key-b2']).toMatchObject({
      requests: 3,
      status403: 1,
      status5xx: 1,
      inputTokens: 10,
      outputTokens: 5,
    });
    expect(byKey['']).toMatchObject({ requests: 2, status401: 2 });
    expect(report.keys.find(k => k.clientId === 'key-a1')?.lastUsedAt).toBe(
      '2026-03-01T10:31:59.990Z',
    );

    const fraudReport = await service.report(fraud, {
      ...range,
      granularity: 'hour',
    });
    // Two requests in the same millisecond without a request id stay two (they differ in duration and size).
    expect(fraudReport.totals.requests).toBe(2);

    // what the key list shows as last used (ApiKeyStore reads it)
    const lastUsed = await store.reader.lastUsed([llama.id]);
    expect(lastUsed.get(llama.id)?.get('key-a1')).toBe(
      Date.parse('2026-03-01T10:31:59.990Z'),
    );
    expect(lastUsed.get(llama.id)?.get('key-b2')).toBe(
      Date.parse('2026-03-01T11:15:00.000Z'),
    );
  });

  it('counts only the new records of a partly re-delivered batch', async () => {
    await ingestor.ingest({ records: records.slice(0, 4) });
    const result = await ingestor.ingest({ records: records.slice(2, 9) });
    expect(result).toEqual({
      received: 7,
      accepted: 5,
      duplicates: 2,
      unmatched: 0,
      skipped: 0,
    });
    expect((await llamaHours()).totals.requests).toBe(9);
  });

  it('refuses a batch with a malformed record as a whole, naming the record and field, storing nothing', async () => {
    const bad = records.map(r => ({ ...r }));
    bad[5].response_code = 'teapot';
    await expect(ingestor.ingest({ records: bad })).rejects.toMatchObject({
      name: 'InputError',
      message:
        'records[5].response_code: response_code must be an HTTP status code',
    });
    const missing = records.map(r => ({ ...r }));
    delete missing[2].start_time;
    await expect(ingestor.ingest(missing)).rejects.toThrow(
      /^records\[2\]\.start_time: /,
    );
    const negative = records.map(r => ({ ...r }));
    negative[7].input_tokens = -4;
    await expect(ingestor.ingest(negative)).rejects.toThrow(
      'records[7].input_tokens: input_tokens must not be negative',
    );
    await expect(ingestor.ingest(`${lines}{not json\n`)).rejects.toThrow(
      'records[12]: line 13 is not valid JSON',
    );

    for (const table of [
      'usage_ingest_seen',
      'usage_hourly_source',
      'usage_hourly',
      'usage_daily',
      'usage_key_last_used',
    ]) {
      const [{ n }] = await db(table).count({ n: '*' });
      expect([table, Number(n)]).toEqual([table, 0]);
    }
  });

  it('refuses a batch with a counter beyond one request, naming the record and field (issue 14, finding 8)', async () => {
    for (const [field, value] of [
      ['input_tokens', 9e15],
      ['output_tokens', '9000000000000000'],
      ['llm_input_token', 10_000_001],
      ['duration', 86_400_001],
      ['bytes_sent', 1e12],
    ] as const) {
      const bad = records.map(r => ({ ...r }));
      bad[1] = { ...bad[1], [field]: value };
      await expect(ingestor.ingest({ records: bad })).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(
          new RegExp(
            `^records\\[1\\]\\.${field}: ${field} must be at most \\d+ for one request$`,
          ),
        ),
      });
    }
    const [{ n }] = await db('usage_hourly').count({ n: '*' });
    expect(Number(n)).toBe(0);
  });

  it("counts no record naming a key that is not the route's publication's, or not live then (finding 8)", async () => {
    const route = 'httproute/ml/llama-mp/rule/0/match/0/x';
    const at = '2026-03-01T11:00:00Z';
    const forged = (id: string, clientId: string, routeName = route) => ({
      start_time: at,
      response_code: 200,
      route_name: routeName,
      client_id: clientId,
      request_id: id,
      input_tokens: 1000,
    });
    const withLifetimes = {
      list: async () => [
        {
          ...llama,
          keys: [
            { ...llama.keys[0], createdAt: new Date('2026-03-01T10:00:00Z') },
            { ...llama.keys[1], until: new Date('2026-03-01T09:00:00Z') },
          ],
        },
        fraud,
      ],
      get: async () => undefined,
    };
    const strict = new AccessLogIngestor(store, withLifetimes, {
      ...config.ingest,
      now: () => NOW,
    });
    const result = await strict.ingest([
      forged('unknown-key', 'key-never-issued'),
      forged('other-publications-key', 'key-f1'),
      forged('revoked-before', 'key-b2'),
      {
        ...forged('before-created', 'key-a1'),
        start_time: '2026-03-01T09:30:00Z',
      },
      forged('genuine', 'key-a1'),
    ]);
    expect(result).toMatchObject({ received: 5, accepted: 1, unmatched: 4 });
    const report = await llamaHours();
    expect(report.totals.inputTokens).toBe(1000);
    expect(
      report.keys.filter(k => k.totals.requests > 0).map(k => k.clientId),
    ).toEqual(['key-a1']);
    const lastUsed = await store.reader.lastUsed([llama.id, fraud.id]);
    expect(lastUsed.get(llama.id)?.get('key-b2')).toBeUndefined();
    expect(lastUsed.get(fraud.id)?.get('key-f1')).toBeUndefined();
  });

  it('stays consistent under concurrent batches, duplicates included (hourly = totals = daily)', async () => {
    const batch = (k: number) =>
      Array.from({ length: 40 }, (_, i) => ({
        start_time: new Date(
          Date.parse('2026-03-01T08:00:00Z') +
            ((i * 7 + k) % 4) * 3_600_000 +
            i * 1000,
        ).toISOString(),
        response_code: i % 9 === 0 ? 429 : 200,
        route_name: 'httproute/ml/llama-mp/rule/0/match/0/x',
        client_id: i % 2 ? 'key-a1' : 'key-b2',
        request_id: `c-${k}-${i}`,
        input_tokens: i,
      }));
    // 8 distinct batches, each sent twice, all at once
    const results = await Promise.all(
      [...Array(16).keys()].map(n =>
        ingestor.ingest({ records: batch(n % 8) }),
      ),
    );
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(8 * 40);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(8 * 40);

    const day = {
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-03-02T00:00:00Z'),
    };
    const hourly = await service.report(llama, { ...day, granularity: 'hour' });
    const daily = await service.report(llama, { ...day, granularity: 'day' });
    const [{ requests: fromRows }] = await db('usage_hourly')
      .where('publication_id', 'pub-llm')
      .sum({ requests: 'requests' });
    expect(hourly.totals.requests).toBe(320);
    expect(Number(fromRows)).toBe(320);
    expect(daily.totals).toEqual(hourly.totals);
    expect(hourly.keys.reduce((n, k) => n + k.totals.requests, 0)).toBe(320);
  });

  it('skips records older than the dedupe window, whose duplicates could no longer be recognised', async () => {
    const old = {
      ...records[0],
      start_time: '2026-02-01T00:00:00Z',
      request_id: 'old',
    };
    expect(await ingestor.ingest([old, records[1]])).toMatchObject({
      accepted: 1,
      skipped: 1,
    });
  });

  describe('a model unpublished and published again (same route name)', () => {
    const denied = (id: string) => ({
      ...records[3],
      route_name: 'httproute/ml/fraud-mp/rule/0/match/0/fraud',
      request_id: id,
    });
    const republished: UsagePublicationInfo = {
      ...fraud,
      id: 'pub-v1-again',
      clientIds: ['key-f2'],
      keys: [{ id: 'f2', name: 'scoring', clientId: 'key-f2' }],
      publishedAt: new Date('2026-03-01T09:00:00Z'),
    };
    const old = { ...fraud, publishedAt: new Date('2026-02-01T00:00:00Z') };

    async function deniedCount(publication: UsagePublicationInfo) {
      return (
        await service.report(publication, { ...range, granularity: 'hour' })
      ).totals.status401;
    }

    it("counts the route's traffic for the publication serving it, whichever the list gives first", async () => {
      const both = {
        list: async () => [{ ...old, live: false }, republished],
        get: async () => undefined,
      };
      const fresh = new AccessLogIngestor(store, both, {
        ...config.ingest,
        now: () => NOW,
      });
      await fresh.ingest([denied('r1')]);
      expect(await deniedCount(republished)).toBe(1);
      expect(await deniedCount(old)).toBe(0);
    });

    it("notices the republish at once when the directory's version changes, not after the cache's 30 s", async () => {
      let current: UsagePublicationInfo[] = [old];
      let version = 'v1';
      const changing = {
        list: async () => current,
        get: async () => undefined,
        version: async () => version,
      };
      const cached = new AccessLogIngestor(store, changing, {
        ...config.ingest,
        now: () => NOW,
      });
      await cached.ingest([denied('before')]);
      expect(await deniedCount(old)).toBe(1);

      current = [{ ...old, live: false }, republished];
      version = 'v2';
      await cached.ingest([denied('after')]);
      expect(await deniedCount(republished)).toBe(1);
      expect(await deniedCount(old)).toBe(1);
    });
  });
});
