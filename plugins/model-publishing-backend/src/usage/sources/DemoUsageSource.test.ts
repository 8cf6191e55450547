import { mockServices } from '@backstage/backend-test-utils';
import { DemoUsageSource } from './DemoUsageSource';
import { UsageCollector } from '../UsageCollector';
import { UsageService } from '../UsageService';
import { UsageStore } from '../UsageStore';
import { UsagePublicationInfo } from '../types';
import { HOUR_MS } from '../time';
import { createUsageTestDb } from '../__testUtils__/db';

const pubs: UsagePublicationInfo[] = [
  {
    id: 'llm',
    cluster: 'default',
    namespace: 'demo',
    name: 'chat',
    modelKind: 'openai',
    routeName: 'chat-mp',
    clientIds: ['key-1', 'key-2'],
    keys: [
      { id: '1', name: 'web', clientId: 'key-1' },
      { id: '2', name: 'batch', clientId: 'key-2' },
    ],
    live: true,
    limits: { keys: {} },
  },
  {
    id: 'v1',
    cluster: 'default',
    namespace: 'demo',
    name: 'fraud',
    modelKind: 'v1',
    routeName: 'fraud-mp',
    clientIds: ['key-3'],
    keys: [{ id: '3', name: 'scoring', clientId: 'key-3' }],
    live: true,
    limits: { keys: {} },
  },
];

const NOW = Date.parse('2026-03-04T14:30:00Z'); // a Wednesday afternoon

describe('DemoUsageSource', () => {
  it('is deterministic per publication, key and hour, and lets the current hour grow', async () => {
    const range = {
      from: new Date(NOW - 48 * HOUR_MS),
      to: new Date(NOW + HOUR_MS),
      publications: pubs,
    };
    const a = await new DemoUsageSource(() => NOW).collect(range);
    const b = await new DemoUsageSource(() => NOW).collect(range);
    expect(a).toEqual(b);
    expect(a.every(r => r.hour.getTime() <= NOW)).toBe(true);

    const current = (records: typeof a) =>
      records
        .filter(r => r.hour.getTime() === Date.parse('2026-03-04T14:00:00Z'))
        .reduce((n, r) => n + r.requests, 0);
    const later = await new DemoUsageSource(() => NOW + 25 * 60_000).collect(
      range,
    );
    expect(current(later)).toBeGreaterThan(current(a));

    expect(
      a
        .filter(r => r.publicationId === 'v1')
        .every(r => r.inputTokens === 0 && r.outputTokens === 0),
    ).toBe(true);
    expect(
      a
        .filter(r => r.publicationId === 'llm')
        .some(r => r.inputTokens > 0 && r.outputTokens > 0),
    ).toBe(true);
    expect(
      a.some(
        r => r.clientId === '' && r.status401 === r.requests && r.requests > 0,
      ),
    ).toBe(true);
    for (const r of a) {
      expect(r.status403 + r.status429 + r.status5xx).toBeLessThanOrEqual(
        r.requests,
      );
    }
  });

  it('backfills the last 7 days on the first collection so a fresh start shows data', async () => {
    const { db, close } = await createUsageTestDb('sqlite');
    try {
      const store = new UsageStore(db);
      const service = new UsageService(store, {
        retentionDays: 30,
        dailyRetentionDays: 400,
        ingest: {
          allowedSubjects: [],
          dedupeHours: 72,
          maxRecordsPerBatch: 1000,
        },
      });
      const collector = new UsageCollector({
        sources: [new DemoUsageSource(() => NOW)],
        service,
        store,
        // an unpublished model as well: no demo traffic may appear for it
        directory: {
          list: async () => [...pubs, { ...pubs[0], id: 'gone', live: false }],
          get: async id => pubs.find(p => p.id === id),
        },
        logger: mockServices.logger.mock(),
        retentionDays: 30,
        now: () => NOW,
      });
      await collector.runOnce();
      const report = await service.report(pubs[0], {
        from: new Date(NOW - 8 * 24 * HOUR_MS),
        to: new Date(NOW),
        granularity: 'day',
      });
      const days = report.buckets.map(b => b.requests);
      expect(days[0]).toBe(0); // 8 days ago: before the backfill
      expect(days.slice(1).every(n => n > 0)).toBe(true);
      expect(
        report.keys
          .map(k => k.keyName)
          .filter(Boolean)
          .sort(),
      ).toEqual(['batch', 'web']);
      expect(
        report.keys.find(k => k.clientId === 'key-1')?.lastUsedAt,
      ).toBeDefined();
      const gone = await service.report(
        { ...pubs[0], id: 'gone', live: false },
        {
          from: new Date(NOW - 8 * 24 * HOUR_MS),
          to: new Date(NOW),
          granularity: 'day',
        },
      );
      expect(gone.totals.requests).toBe(0);
    } finally {
      await close();
    }
  });
});
