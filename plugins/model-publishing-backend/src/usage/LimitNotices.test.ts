import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { UsageRecord } from '@model-publishing/plugin-model-publishing-node';
import {
  LimitNotices,
  MONTH_MS,
  isCurrentWindow,
  monthWindowStart,
  usagePageOf,
} from './LimitNotices';
import type { UsagePublicationInfo } from './types';
import {
  createUsageTestDb,
  usageServiceOn,
  usageTestDatabases,
} from './__testUtils__/db';

const pub: UsagePublicationInfo = {
  id: 'pub-1',
  cluster: 'default',
  namespace: 'ml',
  name: 'fraud-sklearn',
  modelKind: 'v1',
  routeName: 'fraud-sklearn-mp',
  entityRef: 'component:default/fraud-sklearn',
  owner: 'group:default/fraud-detection',
  clientIds: ['key-a', 'key-b'],
  keys: [
    {
      id: 'a',
      name: 'checkout',
      clientId: 'key-a',
      consumer: 'component:default/checkout-scoring',
    },
    {
      id: 'b',
      name: 'batch',
      clientId: 'key-b',
      consumer: 'user:default/frank',
    },
  ],
  live: true,
  // key-a: its plan's 100 requests per hour; key-b: no limit of its own.
  limits: { keys: { 'key-a': { requestsPerHour: 100 } } },
};

const traffic = (
  hour: Date,
  clientId: string,
  requests: number,
): UsageRecord => ({
  publicationId: 'pub-1',
  clientId,
  hour,
  requests,
  status401: 0,
  status403: 0,
  status429: 0,
  status5xx: 0,
  inputTokens: 0,
  outputTokens: 0,
});

jest.setTimeout(60_000);

describe('which windows are told about', () => {
  const now = new Date('2026-12-05T10:20:00Z');
  it.each([
    ['hour', '2026-12-05T10:00:00.000Z', true],
    ['hour', '2026-12-05T09:00:00.000Z', true], // ended 20 minutes ago: its usage may arrive late
    ['hour', '2026-12-05T08:00:00.000Z', false],
    ['day', '2026-12-05T00:00:00.000Z', true],
    ['day', '2026-12-04T00:00:00.000Z', false],
  ] as const)('%s from %s → %s', (window, windowStart, current) => {
    expect(isCurrentWindow({ window, windowStart }, now)).toBe(current);
  });
  it("month windows are the gateway's: 30 days from the epoch, not calendar months", () => {
    const start = monthWindowStart(now);
    expect(new Date(start).toISOString()).toBe('2026-12-03T00:00:00.000Z');
    expect(start % MONTH_MS).toBe(0);
    expect(monthWindowStart(new Date(start + MONTH_MS - 1))).toBe(start);
  });
  it('links owners to the model’s usage cards', () => {
    expect(usagePageOf('component:default/fraud-sklearn')).toBe(
      '/catalog/default/component/fraud-sklearn/publish#usage',
    );
  });
});

describe.each(usageTestDatabases())('LimitNotices on %s', kind => {
  it('tells the holder and the owners once at 80 % and once at 100 % per window, not once per collection', async () => {
    const { db, close } = await createUsageTestDb(kind);
    try {
      const { service } = usageServiceOn(db);
      const sent: Parameters<NotificationService['send']>[0][] = [];
      const notices = new LimitNotices({
        db,
        quotaAlerts: service.quotaAlerts,
        directory: { list: async () => [pub], get: async () => pub },
        logger: mockServices.logger.mock(),
        notifications: { send: async n => void sent.push(n) },
      });
      const hour = new Date('2026-12-05T10:00:00Z');
      const at = (minute: number) => new Date(hour.getTime() + minute * 60_000);

      await service.recordPulled('demo', [traffic(hour, 'key-a', 50)], at(5));
      expect(await notices.check(at(5))).toEqual([]);

      await service.recordPulled(
        'demo',
        [traffic(hour, 'key-a', 85), traffic(hour, 'key-b', 5000)],
        at(10),
      );
      const first = await notices.check(at(10));
      expect(first.map(n => [n.keyName, n.threshold, n.used, n.limit])).toEqual(
        [['checkout', 80, 85, 100]],
      );
      expect(sent.map(n => [n.recipients, n.payload.link])).toEqual([
        [
          { type: 'entity', entityRef: ['component:default/checkout-scoring'] },
          '/model-access',
        ],
        [
          { type: 'entity', entityRef: ['group:default/fraud-detection'] },
          '/catalog/default/component/fraud-sklearn/publish#usage',
        ],
      ]);
      expect(sent[0].payload.title).toBe(
        'Key checkout used 80 % of its requests limit on fraud-sklearn',
      );
      // Later collections of the same window: nothing new.
      expect(await notices.check(at(15))).toEqual([]);
      expect(await notices.check(at(20))).toEqual([]);

      await service.recordPulled('demo', [traffic(hour, 'key-a', 120)], at(25));
      const full = await notices.check(at(25));
      expect(full.map(n => n.threshold)).toEqual([100]);
      expect(sent[2].payload.severity).toBe('high');
      expect(sent[2].payload.description).toMatch(/429/);
      expect(await notices.check(at(30))).toEqual([]);

      // Two replicas checking at once: one notice.
      const next = new Date('2026-12-05T11:00:00Z');
      await service.recordPulled(
        'demo',
        [traffic(next, 'key-a', 90)],
        new Date(next.getTime() + 60_000),
      );
      const raced = await Promise.all([
        notices.check(new Date(next.getTime() + 120_000)),
        notices.check(new Date(next.getTime() + 120_000)),
      ]);
      expect(raced.flat().map(n => [n.windowStart, n.threshold])).toEqual([
        ['2026-12-05T11:00:00.000Z', 80],
      ]);
      expect(sent).toHaveLength(6);
    } finally {
      await close();
    }
  });
});

describe.each(usageTestDatabases())('month limit notices on %s', kind => {
  it("tells once at 80 % and once at 100 % of a key's month limit, summed over the gateway's 30-day window", async () => {
    const { db, close } = await createUsageTestDb(kind);
    try {
      const { service, store } = usageServiceOn(db);
      const sent: Parameters<NotificationService['send']>[0][] = [];
      const monthly: UsagePublicationInfo = {
        ...pub,
        // key-a: a plan of 1,000 requests per month; key-b: no month limit.
        limits: { keys: { 'key-a': { requestsPerMonth: 1000 } } },
      };
      const notices = new LimitNotices({
        db,
        quotaAlerts: service.quotaAlerts,
        directory: { list: async () => [monthly], get: async () => monthly },
        logger: mockServices.logger.mock(),
        notifications: { send: async n => void sent.push(n) },
        clientTotals: (id, hours) => store.reader.byClient(id, 'hour', hours),
      });
      // The window began 2026-12-03; usage before it does not count.
      const before = new Date('2026-12-02T10:00:00Z');
      const day1 = new Date('2026-12-03T10:00:00Z');
      const day2 = new Date('2026-12-05T10:00:00Z');
      const at = new Date('2026-12-05T10:30:00Z');
      await service.recordPulled(
        'demo',
        [
          traffic(before, 'key-a', 900),
          traffic(day1, 'key-a', 500),
          traffic(day1, 'key-b', 5000),
        ],
        at,
      );
      expect(await notices.check(at)).toEqual([]);

      await service.recordPulled('demo', [traffic(day2, 'key-a', 320)], at);
      const first = await notices.check(at);
      expect(
        first.map(n => [
          n.keyName,
          n.window,
          n.windowStart,
          n.threshold,
          n.used,
        ]),
      ).toEqual([['checkout', 'month', '2026-12-03T00:00:00.000Z', 80, 820]]);
      expect(sent[0].payload.title).toBe(
        'Key checkout used 80 % of its requests limit on fraud-sklearn',
      );
      expect(sent[0].payload.description).toBe(
        "820 of 1,000 requests per month (the gateway's 30-day window from 2026-12-03).",
      );
      // Days later in the same window: not again (the notice outlives the 3 days hour and day notices keep).
      const later = new Date('2026-12-15T10:30:00Z');
      expect(await notices.check(later)).toEqual([]);

      await service.recordPulled(
        'demo',
        [traffic(new Date('2026-12-15T10:00:00Z'), 'key-a', 200)],
        later,
      );
      const full = await notices.check(later);
      expect(full.map(n => [n.threshold, n.used])).toEqual([[100, 1020]]);
      expect(sent.map(n => n.payload.severity)).toEqual([
        'normal',
        'normal',
        'high',
        'high',
      ]);
      // The next window starts empty.
      expect(await notices.check(new Date('2027-01-02T01:00:00Z'))).toEqual([]);
    } finally {
      await close();
    }
  });
});
