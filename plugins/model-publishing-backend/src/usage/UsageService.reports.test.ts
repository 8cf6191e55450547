import { UsageService } from './UsageService';
import { UsagePublicationInfo } from './types';
import { usageTestDatabases } from './__testUtils__/db';
import { H, openUsageService, pub, rec } from './__testUtils__/usageService';

describe.each(usageTestDatabases())('UsageService reports on %s', kind => {
  let close: () => Promise<void>;
  let service: UsageService;

  beforeEach(async () => {
    ({ service, close } = await openUsageService(kind));
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
});
