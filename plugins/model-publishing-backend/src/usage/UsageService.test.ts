import type { Knex } from 'knex';
import type { UsageRecord } from '@model-publishing/plugin-model-publishing-node';
import { UsageService } from './UsageService';
import { UsageStore } from './UsageStore';
import { UsagePublicationInfo } from './types';
import { createUsageTestDb, usageTestDatabases } from './__testUtils__/db';

const H = (iso: string) => new Date(iso);

function rec(
  p: Partial<UsageRecord> & { hour: Date; clientId: string },
): UsageRecord {
  return {
    publicationId: 'pub-1',
    requests: 0,
    status401: 0,
    status403: 0,
    status429: 0,
    status4xxOther: 0,
    status5xx: 0,
    inputTokens: 0,
    outputTokens: 0,
    ...p,
  };
}

const pub: UsagePublicationInfo = {
  id: 'pub-1',
  cluster: 'default',
  namespace: 'ml',
  name: 'llama',
  modelKind: 'openai',
  routeName: 'llama-mp',
  clientIds: ['key-a', 'key-b'],
  entityRef: 'component:default/llama',
  live: true,
  keys: [
    { id: 'a', name: 'alpha', clientId: 'key-a' },
    { id: 'b', name: 'beta', clientId: 'key-b' },
  ],
  limits: { keys: { 'key-a': { requestsPerHour: 100, tokensPerDay: 1000 } } },
};

const config = {
  retentionDays: 30,
  dailyRetentionDays: 400,
  ingest: { allowedSubjects: [], dedupeHours: 72, maxRecordsPerBatch: 1000 },
};

describe.each(usageTestDatabases())('UsageService on %s', kind => {
  let close: () => Promise<void>;
  let service: UsageService;
  let store: UsageStore;
  let db: Knex;

  beforeEach(async () => {
    const t = await createUsageTestDb(kind);
    close = t.close;
    db = t.db;
    store = new UsageStore(t.db);
    service = new UsageService(store, config);
  });
  afterEach(() => close());

  it('reports hourly buckets zero-filled, per-key totals and last use', async () => {
    await service.recordPulled(
      'prometheus',
      [
        rec({
          clientId: 'key-a',
          hour: H('2026-03-01T10:00:00Z'),
          requests: 10,
          status429: 2,
          inputTokens: 50,
          outputTokens: 70,
        }),
        rec({
          clientId: 'key-b',
          hour: H('2026-03-01T10:30:00Z'),
          requests: 3,
          status5xx: 1,
        }),
        rec({
          clientId: 'key-a',
          hour: H('2026-03-01T12:00:00Z'),
          requests: 5,
        }),
        rec({
          clientId: '',
          hour: H('2026-03-01T12:00:00Z'),
          requests: 4,
          status401: 4,
        }),
      ],
      H('2026-03-02T00:00:00Z'),
    );
    const report = await service.report(pub, {
      from: H('2026-03-01T10:00:00Z'),
      to: H('2026-03-01T13:00:00Z'),
      granularity: 'hour',
    });
    expect(report.buckets.map(b => [b.start, b.requests])).toEqual([
      ['2026-03-01T10:00:00.000Z', 13],
      ['2026-03-01T11:00:00.000Z', 0],
      ['2026-03-01T12:00:00.000Z', 9],
    ]);
    expect(report.totals).toEqual({
      requests: 22,
      status401: 4,
      status403: 0,
      status429: 2,
      status4xxOther: 0,
      status5xx: 1,
      inputTokens: 50,
      outputTokens: 70,
    });
    expect(
      report.keys.map(k => [
        k.clientId,
        k.keyName,
        k.totals.requests,
        k.lastUsedAt,
      ]),
    ).toEqual([
      ['key-a', 'alpha', 15, '2026-03-01T12:59:59.999Z'],
      ['', undefined, 4, '2026-03-01T12:59:59.999Z'],
      ['key-b', 'beta', 3, '2026-03-01T10:59:59.999Z'],
    ]);
    expect(report.lastUsedAt).toBe('2026-03-01T12:59:59.999Z');

    const daily = await service.report(pub, {
      from: H('2026-02-28T00:00:00Z'),
      to: H('2026-03-02T00:00:00Z'),
      granularity: 'day',
    });
    expect(
      daily.buckets.map(b => [b.start, b.requests, b.inputTokens]),
    ).toEqual([
      ['2026-02-28T00:00:00.000Z', 0, 0],
      ['2026-03-01T00:00:00.000Z', 22, 50],
    ]);
  });

  it('gives each key its own zero-filled buckets when asked (series=keys), adding up to its totals', async () => {
    await service.recordPulled(
      'prometheus',
      [
        rec({
          clientId: 'key-a',
          hour: H('2026-03-01T10:00:00Z'),
          requests: 10,
          inputTokens: 50,
        }),
        rec({
          clientId: 'key-a',
          hour: H('2026-03-01T12:00:00Z'),
          requests: 5,
          status429: 1,
        }),
        rec({
          clientId: '',
          hour: H('2026-03-01T11:00:00Z'),
          requests: 4,
          status401: 4,
        }),
      ],
      H('2026-03-02T00:00:00Z'),
    );
    const query = {
      from: H('2026-03-01T10:00:00Z'),
      to: H('2026-03-01T13:00:00Z'),
      granularity: 'hour' as const,
    };
    const plain = await service.report(pub, query);
    expect(plain.keys.every(k => k.buckets === undefined)).toBe(true);

    const report = await service.report(pub, query, { keySeries: true });
    const byClient = Object.fromEntries(
      report.keys.map(k => [k.clientId, k.buckets]),
    );
    expect(
      byClient['key-a']!.map(b => [b.start, b.requests, b.status429]),
    ).toEqual([
      ['2026-03-01T10:00:00.000Z', 10, 0],
      ['2026-03-01T11:00:00.000Z', 0, 0],
      ['2026-03-01T12:00:00.000Z', 5, 1],
    ]);
    expect(byClient['key-a']![0].inputTokens).toBe(50);
    expect(byClient['']!.map(b => b.status401)).toEqual([0, 4, 0]);
    // a key without traffic gets zeros in every bucket, not a missing series
    expect(byClient['key-b']!.map(b => b.requests)).toEqual([0, 0, 0]);
    for (const key of report.keys)
      expect(key.buckets!.reduce((n, b) => n + b.requests, 0)).toBe(
        key.totals.requests,
      );

    const daily = await service.report(
      pub,
      { ...query, granularity: 'day' },
      { keySeries: true },
    );
    expect(
      daily.keys
        .find(k => k.clientId === 'key-a')!
        .buckets!.map(b => [b.start, b.requests]),
    ).toEqual([['2026-03-01T00:00:00.000Z', 15]]);
  });

  it('replaces a source’s figures on re-collection and merges sources by the larger figure', async () => {
    const hour = H('2026-03-01T10:00:00Z');
    const now = H('2026-03-01T11:00:00Z');
    await service.recordPulled(
      'prometheus',
      [rec({ clientId: 'key-a', hour, requests: 4 })],
      now,
    );
    await service.recordPulled(
      'prometheus',
      [rec({ clientId: 'key-a', hour, requests: 7, inputTokens: 9 })],
      now,
    );
    // Another source measuring the same traffic: larger request count, no tokens.
    await service.recordPulled(
      'access-log-like',
      [rec({ clientId: 'key-a', hour, requests: 8 })],
      now,
    );
    const report = await service.report(pub, {
      from: hour,
      to: now,
      granularity: 'hour',
    });
    expect(report.totals.requests).toBe(8);
    expect(report.totals.inputTokens).toBe(9);
    const daily = await service.report(pub, {
      from: H('2026-03-01T00:00:00Z'),
      to: H('2026-03-02T00:00:00Z'),
      granularity: 'day',
    });
    expect(daily.totals.requests).toBe(8);
  });

  it('flags a key crossing 80% and 100% of its limits once per window', async () => {
    const now = H('2026-03-02T00:00:00Z');
    await service.recordPulled(
      'prometheus',
      [
        rec({
          clientId: 'key-a',
          hour: H('2026-03-01T08:00:00Z'),
          requests: 79,
        }), // below 80%
        rec({
          clientId: 'key-a',
          hour: H('2026-03-01T09:00:00Z'),
          requests: 80,
          inputTokens: 400,
        }), // 80%
        rec({
          clientId: 'key-a',
          hour: H('2026-03-01T10:00:00Z'),
          requests: 130,
          outputTokens: 700,
        }), // 100%
        rec({
          clientId: 'key-b',
          hour: H('2026-03-01T10:00:00Z'),
          requests: 500,
        }), // no limit
      ],
      now,
    );
    const query = {
      from: H('2026-03-01T00:00:00Z'),
      to: now,
      granularity: 'hour' as const,
    };
    const first = await service.report(pub, query);
    const again = await service.report(pub, query);
    expect(again.alerts).toEqual(first.alerts);
    expect(first.alerts).toEqual([
      {
        scope: 'key',
        clientId: 'key-a',
        keyId: 'a',
        metric: 'requests',
        window: 'hour',
        windowStart: '2026-03-01T10:00:00.000Z',
        limit: 100,
        used: 130,
        threshold: 100,
      },
      {
        scope: 'key',
        clientId: 'key-a',
        keyId: 'a',
        metric: 'requests',
        window: 'hour',
        windowStart: '2026-03-01T09:00:00.000Z',
        limit: 100,
        used: 80,
        threshold: 80,
      },
      {
        scope: 'key',
        clientId: 'key-a',
        keyId: 'a',
        metric: 'tokens',
        window: 'day',
        windowStart: '2026-03-01T00:00:00.000Z',
        limit: 1000,
        used: 1100,
        threshold: 100,
      },
    ]);
  });

  it('flags the publication against a shared limit', async () => {
    const shared: UsagePublicationInfo = {
      ...pub,
      limits: { publication: { requestsPerDay: 100 }, keys: {} },
    };
    await service.recordPulled(
      'demo',
      [
        rec({
          clientId: 'key-a',
          hour: H('2026-03-01T08:00:00Z'),
          requests: 50,
        }),
        rec({
          clientId: 'key-b',
          hour: H('2026-03-01T09:00:00Z'),
          requests: 40,
        }),
      ],
      H('2026-03-02T00:00:00Z'),
    );
    const report = await service.report(shared, {
      from: H('2026-03-01T00:00:00Z'),
      to: H('2026-03-02T00:00:00Z'),
      granularity: 'day',
    });
    expect(report.alerts).toEqual([
      {
        scope: 'publication',
        metric: 'requests',
        window: 'day',
        windowStart: '2026-03-01T00:00:00.000Z',
        limit: 100,
        used: 90,
        threshold: 80,
      },
    ]);
  });

  it('exports CSV with a row per bucket and per key', async () => {
    await service.recordPulled(
      'demo',
      [
        rec({
          clientId: 'key-a',
          hour: H('2026-03-01T10:00:00Z'),
          requests: 2,
          inputTokens: 5,
        }),
      ],
      H('2026-03-01T11:00:00Z'),
    );
    const csv = await service.csv(
      { ...pub, keys: [{ id: 'a', name: '=cmd', clientId: 'key-a' }] },
      {
        from: H('2026-03-01T10:00:00Z'),
        to: H('2026-03-01T12:00:00Z'),
        granularity: 'hour',
      },
    );
    expect(csv.split('\r\n')).toEqual([
      'scope,key,start,requests,status401,status403,status429,status4xxOther,status5xx,inputTokens,outputTokens',
      'publication,,2026-03-01T10:00:00.000Z,2,0,0,0,0,0,5,0',
      'publication,,2026-03-01T11:00:00.000Z,0,0,0,0,0,0,0,0',
      "key-total,'=cmd,2026-03-01T10:00:00.000Z,2,0,0,0,0,0,5,0",
      '',
    ]);
  });

  it('summarises publications and keeps hourly data for the retention period only', async () => {
    const now = H('2026-03-31T12:00:00Z');
    await service.recordPulled(
      'demo',
      [
        rec({
          clientId: 'key-a',
          hour: H('2026-02-27T10:00:00Z'),
          requests: 1,
        }), // older than 30 days
        rec({
          clientId: 'key-a',
          hour: H('2026-03-30T10:00:00Z'),
          requests: 6,
        }),
      ],
      now,
    );
    const other: UsagePublicationInfo = {
      ...pub,
      id: 'pub-2',
      name: 'other',
      keys: [],
      limits: { keys: {} },
    };
    const range = { from: H('2026-02-01T00:00:00Z'), to: now };
    expect(
      (await service.summary([pub, other], range)).items.map(i => [
        i.publicationId,
        i.totals.requests,
      ]),
    ).toEqual([
      ['pub-1', 7],
      ['pub-2', 0],
    ]);
    await service.prune(now);
    const hourly = await service.report(pub, { ...range, granularity: 'hour' });
    expect(hourly.totals.requests).toBe(6);
    // daily rollups outlive hourly ones; the summary reads whole days from them
    const daily = await service.report(pub, { ...range, granularity: 'day' });
    expect(daily.totals.requests).toBe(7);
    expect((await service.summary([pub], range)).items[0].totals.requests).toBe(
      7,
    );
    // past the daily window (400 days) the day goes from the daily rows and the publication's daily totals
    await service.prune(H('2027-04-10T00:00:00Z'));
    const later = await service.report(pub, { ...range, granularity: 'day' });
    expect(later.totals.requests).toBe(6);
    expect(later.buckets.reduce((n, b) => n + b.requests, 0)).toBe(6);
    expect((await service.summary([pub], range)).items[0].totals.requests).toBe(
      6,
    );
  });

  it('gives each summary item its requests per UTC day over the range, from one query for all publications', async () => {
    const pubs = Array.from({ length: 5 }, (_, i) => ({
      ...pub,
      id: `pub-${i}`,
      name: `m${i}`,
    }));
    // pub-i gets i + 1 requests at 09:00 on Mar 2, 3 and 4, and 100 on Mar 1 at 05:00 (before the range)
    await service.recordPulled(
      'demo',
      pubs.flatMap((p, i) => [
        rec({
          publicationId: p.id,
          clientId: 'key-a',
          hour: H('2026-03-01T05:00:00Z'),
          requests: 100,
        }),
        ...['02', '03', '04'].map(d =>
          rec({
            publicationId: p.id,
            clientId: i % 2 ? 'key-b' : 'key-a',
            hour: H(`2026-03-${d}T09:00:00Z`),
            requests: i + 1,
          }),
        ),
        rec({
          publicationId: p.id,
          clientId: '',
          hour: H('2026-03-03T20:00:00Z'),
          requests: 10,
          status401: 10,
        }),
      ]),
      H('2026-03-05T00:00:00Z'),
    );
    const queries: string[] = [];
    const onQuery = (q: { sql: string }) => queries.push(q.sql);
    db.on('query', onQuery);
    // from 06:00 on Mar 1 (not midnight) to the end of Mar 4, 10:00
    const summary = await service.summary(pubs, {
      from: H('2026-03-01T06:00:00Z'),
      to: H('2026-03-04T10:00:00Z'),
    });
    db.removeListener('query', onQuery);

    expect(summary.days).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
      '2026-03-03T00:00:00.000Z',
      '2026-03-04T00:00:00.000Z',
    ]);
    const byId = new Map(summary.items.map(i => [i.publicationId, i]));
    pubs.forEach((p, i) => {
      const item = byId.get(p.id)!;
      // Mar 1 05:00 is before `from`: not counted, so the days add up to the totals
      expect(item.requestsPerDay).toEqual([0, i + 1, i + 11, i + 1]);
      expect(item.totals.requests).toBe(3 * (i + 1) + 10);
      expect(item.totals.status401).toBe(10);
    });
    // whole days from the daily rollup, the ragged ends from the hourly totals: one grouped query each
    // for all publications (not one per publication)
    expect(queries.filter(q => /from .usage_daily/i.test(q))).toHaveLength(1);
    expect(
      queries.filter(q => /from .usage_hourly_total/i.test(q)),
    ).toHaveLength(2);

    const empty = await service.summary([], {
      from: H('2026-03-04T00:00:00Z'),
      to: H('2026-03-04T01:00:00Z'),
    });
    expect(empty).toEqual({
      from: '2026-03-04T00:00:00.000Z',
      to: '2026-03-04T01:00:00.000Z',
      days: ['2026-03-04T00:00:00.000Z'],
      items: [],
    });
  });

  it("counts each summary item's alerts as its report would, from four queries for all publications", async () => {
    const limited = (
      id: string,
      limits: UsagePublicationInfo['limits'],
    ): UsagePublicationInfo => ({ ...pub, id, name: id, limits });
    const pubs = [
      limited('tiny', { keys: { 'key-a': { requestsPerHour: 1 } } }),
      limited('roomy', {
        keys: {
          'key-a': { requestsPerHour: 1000, tokensPerDay: 100 },
          'key-b': { requestsPerDay: 20 },
        },
      }),
      limited('shared', {
        publication: { requestsPerHour: 10, tokensPerDay: 500 },
        keys: {},
      }),
      limited('free', { keys: {} }),
    ];
    const hours = ['08', '09', '10', '11'];
    await service.recordPulled(
      'demo',
      pubs.flatMap(p =>
        hours.flatMap((h, i) =>
          ['key-a', 'key-b'].map(clientId =>
            rec({
              publicationId: p.id,
              clientId,
              hour: H(`2026-03-02T${h}:00:00Z`),
              requests: 3 + i * 2,
              inputTokens: 20 * i,
              outputTokens: 10,
            }),
          ),
        ),
      ),
      H('2026-03-03T00:00:00Z'),
    );
    const range = {
      from: H('2026-03-02T00:00:00Z'),
      to: H('2026-03-03T00:00:00Z'),
    };
    const queries: string[] = [];
    const onQuery = (q: { sql: string }) => queries.push(q.sql);
    db.on('query', onQuery);
    const summary = await service.summary(pubs, range);
    db.removeListener('query', onQuery);

    const expected: Record<string, number> = {};
    for (const p of pubs)
      expected[p.id] = (
        await service.quotaAlerts.list(p, { ...range, granularity: 'hour' })
      ).length;
    expect(
      Object.fromEntries(summary.items.map(i => [i.publicationId, i.alerts])),
    ).toEqual(expected);
    expect(expected.tiny).toBe(4); // every hour of key-a
    expect(expected.roomy).toBeGreaterThan(0);
    expect(expected.shared).toBeGreaterThan(0);
    expect(expected.free).toBe(0);
    expect(queries.filter(q => /^\s*WITH [pk] /.test(q))).toHaveLength(4);
  });

  it("gives each key's totals across publications as their reports do, from grouped queries whatever their number", async () => {
    const other = { ...pub, id: 'pub-2' };
    const hours = [
      '2026-03-01T22',
      '2026-03-02T05',
      '2026-03-03T10',
      '2026-03-04T02',
    ];
    await service.recordPulled(
      'demo',
      [pub, other].flatMap((p, n) =>
        hours.flatMap((h, i) =>
          ['key-a', 'key-b'].map((clientId, c) =>
            rec({
              publicationId: p.id,
              clientId,
              hour: H(`${h}:00:00Z`),
              requests: 1 + i + 10 * c + 100 * n,
              status5xx: c,
              inputTokens: 7 * i,
              outputTokens: n,
            }),
          ),
        ),
      ),
      H('2026-03-05T00:00:00Z'),
    );
    // ragged ends on both sides: whole days from the daily rollup, the ends from the hourly one
    const range = {
      from: H('2026-03-01T23:00:00Z'),
      to: H('2026-03-04T03:00:00Z'),
    };
    const queries: string[] = [];
    const onQuery = (q: { sql: string }) => queries.push(q.sql);
    db.on('query', onQuery);
    const totals = await service.keyTotals(
      [
        { publicationId: 'pub-1', keyId: 'a' },
        { publicationId: 'pub-2', keyId: 'b' },
        { publicationId: 'pub-2', keyId: 'unused' },
      ],
      range,
    );
    db.removeListener('query', onQuery);
    expect(queries).toHaveLength(3);
    const reportOf = async (p: UsagePublicationInfo) =>
      new Map(
        (await service.report(p, { ...range, granularity: 'hour' })).keys.map(
          k => [k.keyId, k.totals],
        ),
      );
    const [one, two] = [await reportOf(pub), await reportOf(other)];
    expect(totals.get('a')).toEqual(one.get('a'));
    expect(totals.get('b')).toEqual(two.get('b'));
    expect(one.get('a')!.requests).toBe(2 + 3 + 4);
    expect(totals.has('unused')).toBe(false);
  });

  it('refuses inverted or oversized ranges naming the parameter', async () => {
    await expect(
      service.report(pub, {
        from: H('2026-03-02T00:00:00Z'),
        to: H('2026-03-01T00:00:00Z'),
        granularity: 'hour',
      }),
    ).rejects.toThrow('from: must be before to');
    await expect(
      service.report(pub, {
        from: H('2025-01-01T00:00:00Z'),
        to: H('2026-03-01T00:00:00Z'),
        granularity: 'hour',
      }),
    ).rejects.toThrow(/^to: the range spans/);
  });
});
