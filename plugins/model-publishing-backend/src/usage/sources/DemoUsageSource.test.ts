import { mockServices } from '@backstage/backend-test-utils';
import type { UsageRecord } from '@model-publishing/plugin-model-publishing-node';
import { DemoUsageSource } from './DemoUsageSource';
import { UsageCollector } from '../UsageCollector';
import { UsagePublicationInfo } from '../types';
import { HOUR_MS, hourOf } from '../time';
import {
  createUsageTestDb,
  usageServiceOn,
  usageTestDatabases,
} from '../__testUtils__/db';
import { createPublicationDirectory } from '../directory';
import { AuditLog } from '../../audit/AuditLog';
import { PublicationStore } from '../../database/PublicationStore';
import { ApiKeyService } from '../../keys/ApiKeyService';
import { ApiKeyStore } from '../../keys/ApiKeyStore';
import { createKeyTestDb } from '../../keys/__testUtils__/db';
import {
  FakeSecretClient,
  captureAuditor,
  captureLogger,
} from '../../keys/__testUtils__/fakes';

const NOW = Date.parse('2026-03-04T14:30:00Z'); // a Wednesday afternoon
const LONG_AGO = new Date(NOW - 30 * 24 * HOUR_MS);

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
    publishedAt: LONG_AGO,
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
    publishedAt: LONG_AGO,
    limits: { keys: {} },
  },
];

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
      const { store, service } = usageServiceOn(db, {
        maxRecordsPerBatch: 1000,
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

  it('generates traffic only after the publication was published, and for a key only while it worked', async () => {
    const publishedAt = NOW - 30 * HOUR_MS + 20 * 60_000;
    const web = {
      id: 'w',
      name: 'web',
      clientId: 'key-w',
      createdAt: new Date(NOW - 20 * HOUR_MS + 15 * 60_000),
      until: new Date(NOW - 5 * HOUR_MS + 40 * 60_000), // revoked
    };
    const batch = { id: 'b', name: 'batch', clientId: 'key-b' }; // no dates: from publication on
    const pub: UsagePublicationInfo = {
      ...pubs[0],
      id: 'fresh',
      clientIds: [web.clientId, batch.clientId],
      keys: [web, batch],
      publishedAt: new Date(publishedAt),
    };
    const pending = { ...pub, id: 'pending', publishedAt: undefined };
    const records = await new DemoUsageSource(() => NOW).collect({
      from: new Date(NOW - 48 * HOUR_MS),
      to: new Date(NOW + HOUR_MS),
      publications: [pub, pending],
    });
    const of = (clientId: string) =>
      records.filter(
        r => r.clientId === clientId && r.publicationId === 'fresh',
      );
    const hours = (rs: UsageRecord[]) => rs.map(r => hourOf(r.hour));

    expect(records.filter(r => r.publicationId === 'pending')).toEqual([]);
    // nothing before the publication's hour, for keys or callers without one
    expect(Math.min(...hours(records))).toBe(hourOf(publishedAt));
    expect(hours(of(batch.clientId))).toContain(hourOf(NOW)); // still in use

    const webHours = hours(of(web.clientId));
    expect(Math.min(...webHours)).toBeGreaterThanOrEqual(hourOf(web.createdAt));
    expect(Math.max(...webHours)).toBe(hourOf(web.until)); // its last, partial hour
    expect(webHours.length).toBeGreaterThan(10); // busy while it worked
    for (const r of of(web.clientId)) {
      expect(r.lastSeenAt!.getTime()).toBeGreaterThanOrEqual(
        web.createdAt.getTime(),
      );
      expect(r.lastSeenAt!.getTime()).toBeLessThan(web.until.getTime());
    }
    // a key shows its first use right away: one request in the first seconds of its life
    const young = await new DemoUsageSource(
      () => web.createdAt.getTime() + 10_000,
    ).collect({
      from: new Date(hourOf(web.createdAt) * HOUR_MS),
      to: new Date((hourOf(web.createdAt) + 1) * HOUR_MS),
      publications: [pub],
    });
    expect(
      young.find(r => r.clientId === web.clientId)?.lastSeenAt?.getTime(),
    ).toBe(web.createdAt.getTime() + 10_000 - 1);
    // its share goes to the remaining key: the publication keeps its traffic
    const batchAfter = of(batch.clientId).filter(
      r => hourOf(r.hour) > hourOf(web.until),
    );
    expect(batchAfter.length).toBeGreaterThan(0);
  });

  describe.each(usageTestDatabases())('through the collector on %s', kind => {
    it('agrees with the key list: no use before creation or after revocation/expiry, last used = the last hour with traffic', async () => {
      const { db, close } = await createKeyTestDb(kind);
      try {
        let now = Date.parse('2026-03-02T09:20:00Z'); // a Monday morning
        const clock = () => now;
        const publications = new PublicationStore(db);
        const base = {
          cluster: 'default',
          namespace: 'ml',
          entityRef: 'component:ml/chat',
          owner: 'group:default/ml',
          modelKind: 'openai' as const,
          config: { rateLimits: { requestsPerMinute: 600 } },
          objects: [],
          endpoints: [],
          createdBy: 'user:default/alice',
        };
        await publications.insertPublishing(
          { ...base, id: 'pub-chat', name: 'chat' },
          new Date(now),
        );
        const publishedAt = now + 2 * 60_000;
        await publications.update(
          'pub-chat',
          { status: 'published' },
          { now: new Date(publishedAt) },
        );
        // still being published: no traffic may appear for it
        await publications.insertPublishing(
          { ...base, id: 'pub-pending', name: 'pending' },
          new Date(now),
        );

        const secrets = new FakeSecretClient();
        secrets.seed({
          cluster: 'default',
          namespace: 'ml',
          name: 'chat-mp-keys',
        });
        const keys = new ApiKeyService({
          store: new ApiKeyStore(db),
          publications,
          secrets,
          auditor: new AuditLog(db, captureAuditor()),
          logger: captureLogger(),
          rateLimitMode: 'global',
          now: () => new Date(now),
          secretWrite: { maxBackoffMs: 3 },
        });
        const alice = { actor: 'user:default/alice' };
        now += 5 * 60_000;
        const web = await keys.create(
          { publicationId: 'pub-chat', name: 'web' },
          alice,
        );
        const batch = await keys.create(
          {
            publicationId: 'pub-chat',
            name: 'batch',
            expiresAt: new Date(now + 5 * HOUR_MS + 25 * 60_000).toISOString(),
          },
          alice,
        );

        const { store, service } = usageServiceOn(db, {
          maxRecordsPerBatch: 1000,
        });
        const collector = new UsageCollector({
          sources: [new DemoUsageSource(clock)],
          service,
          store,
          directory: createPublicationDirectory(publications, db, {
            rateLimitMode: 'global',
          }),
          logger: mockServices.logger.mock(),
          retentionDays: 30,
          now: clock,
        });

        now += 5 * 60_000;
        await collector.runOnce(); // first run: reaches back a week
        now += 3 * HOUR_MS;
        await collector.runOnce();
        now += 10 * 60_000;
        await keys.revoke(
          { publicationId: 'pub-chat', keyId: web.key.id },
          alice,
        );
        now += 5 * HOUR_MS;
        await collector.runOnce();

        const range = { from: now - 8 * 24 * HOUR_MS, to: now + HOUR_MS };
        const trafficHours = async (publicationId: string, clientId?: string) =>
          (
            await store.reader.series(
              publicationId,
              'hour',
              { from: hourOf(range.from), to: hourOf(range.to) },
              clientId,
            )
          )
            .filter(b => b.counters.requests > 0)
            .map(b => b.bucket);

        expect(await trafficHours('pub-pending')).toEqual([]);
        expect(Math.min(...(await trafficHours('pub-chat')))).toBe(
          hourOf(publishedAt),
        );
        // callers without a key: a trickle, so its partial first hour may have none
        expect(
          Math.min(...(await trafficHours('pub-chat', ''))),
        ).toBeGreaterThanOrEqual(hourOf(publishedAt));

        const listed = await keys.list('pub-chat');
        const report = await service.report(
          (await createPublicationDirectory(publications, db, {
            rateLimitMode: 'global',
          }).get('pub-chat'))!,
          {
            from: new Date(range.from),
            to: new Date(range.to),
            granularity: 'hour',
          },
        );
        for (const issued of [web, batch]) {
          const info = listed.find(k => k.id === issued.key.id)!;
          const end = Date.parse(info.revokedAt ?? info.expiresAt!);
          const used = await trafficHours('pub-chat', info.clientId);
          expect(used.length).toBeGreaterThan(3);
          expect(Math.min(...used)).toBe(hourOf(Date.parse(info.createdAt)));
          expect(Math.max(...used)).toBe(hourOf(end)); // not an hour later
          expect(hourOf(now)).toBeGreaterThan(hourOf(end) + 1); // there were later hours to get wrong

          // the key manager's "last used" is the latest hour with traffic, before the key stopped working
          expect(info.lastUsedAt).toBeDefined();
          expect(hourOf(Date.parse(info.lastUsedAt!))).toBe(Math.max(...used));
          expect(Date.parse(info.lastUsedAt!)).toBeLessThan(end);
          expect(
            report.keys.find(k => k.clientId === info.clientId)?.lastUsedAt,
          ).toBe(info.lastUsedAt);
        }
        expect(Object.fromEntries(listed.map(k => [k.name, k.status]))).toEqual(
          { web: 'revoked', batch: 'expired' },
        );
      } finally {
        await close();
      }
    });
  });
});
