import type { Knex } from 'knex';
import { UsageService } from './UsageService';
import { UsagePublicationInfo } from './types';
import { usageTestDatabases } from './__testUtils__/db';
import { H, openUsageService, pub, rec } from './__testUtils__/usageService';

describe.each(usageTestDatabases())('UsageService summaries on %s', kind => {
  let close: () => Promise<void>;
  let service: UsageService;
  let db: Knex;

  beforeEach(async () => {
    ({ db, service, close } = await openUsageService(kind));
  });
  afterEach(() => close());

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
