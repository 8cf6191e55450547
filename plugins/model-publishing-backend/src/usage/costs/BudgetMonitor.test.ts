import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { UsageRecord } from '@model-publishing/plugin-model-publishing-node';
import { BudgetMonitor, BudgetStore } from './BudgetMonitor';
import { ChargebackService } from './ChargebackService';
import type { UsagePublicationInfo } from '../types';
import {
  createUsageTestDb,
  usageServiceOn,
  usageTestDatabases,
} from '../__testUtils__/db';

const llm: UsagePublicationInfo = {
  id: 'llm',
  cluster: 'default',
  namespace: 'ml',
  name: 'llama',
  modelKind: 'openai',
  routeName: 'llama-mp',
  owner: 'group:default/ml-team',
  // 1 per 1,000 requests: 100 requests cost 0.1
  prices: { requestsPerThousand: 1 },
  clientIds: ['key-a'],
  keys: [
    {
      id: 'a',
      name: 'app',
      clientId: 'key-a',
      consumer: 'user:default/alice',
    },
  ],
  live: true,
  limits: { keys: {} },
};
const org = [
  { ref: 'group:default/analytics', kind: 'Group' },
  {
    ref: 'user:default/alice',
    kind: 'User',
    relations: [{ type: 'memberOf', targetRef: 'group:default/analytics' }],
  },
];

const hourOf = (iso: string, requests: number): UsageRecord => ({
  publicationId: 'llm',
  clientId: 'key-a',
  hour: new Date(iso),
  requests,
  status401: 0,
  status403: 0,
  status429: 0,
  status5xx: 0,
  inputTokens: 0,
  outputTokens: 0,
});

jest.setTimeout(60_000);

describe.each(usageTestDatabases())('BudgetMonitor on %s', kind => {
  it('tells the consumer and the model owners once at 80 % and once at 100 %, not once per collection', async () => {
    const { db, close } = await createUsageTestDb(kind);
    try {
      const { store, service } = usageServiceOn(db);
      const directory = {
        list: async () => [llm],
        get: async () => llm,
      };
      const sent: Parameters<NotificationService['send']>[0][] = [];
      const budgets = new BudgetStore(db);
      const monitor = new BudgetMonitor({
        budgets,
        chargeback: new ChargebackService(
          store,
          directory,
          { entities: async () => org },
          'USD',
        ),
        directory,
        currency: 'USD',
        logger: mockServices.logger.mock(),
        notifications: { send: async n => void sent.push(n) },
      });
      // the group's budget: its member's keys count
      await budgets.set('group:default/analytics', 10, 'user:default/admin');

      // each collection re-reports the month so far, as the collector does
      const collect = async (records: UsageRecord[], now: string) => {
        await service.recordPulled('access-log', records, new Date(now));
        return monitor.check(new Date(now));
      };
      const morning = [hourOf('2026-11-03T09:00:00Z', 7_000)]; // 7.00: 70 %
      expect(await collect(morning, '2026-11-03T10:00:00Z')).toEqual([]);
      const noon = [...morning, hourOf('2026-11-03T11:00:00Z', 1_500)]; // 8.50: 85 %
      expect(
        (await collect(noon, '2026-11-03T12:00:00Z')).map(n => n.threshold),
      ).toEqual([80]);
      // more collections at 85 % and 95 %: nothing new
      expect(await collect(noon, '2026-11-03T12:05:00Z')).toEqual([]);
      const later = [...noon, hourOf('2026-11-03T12:00:00Z', 1_000)]; // 9.50
      expect(await collect(later, '2026-11-03T13:00:00Z')).toEqual([]);
      const over = [...later, hourOf('2026-11-03T13:00:00Z', 600)]; // 10.10: over
      expect(
        (await collect(over, '2026-11-03T14:00:00Z')).map(n => n.threshold),
      ).toEqual([100]);
      expect(await collect(over, '2026-11-03T14:05:00Z')).toEqual([]);
      expect(await collect(over, '2026-11-04T00:05:00Z')).toEqual([]);

      expect(sent).toHaveLength(2);
      expect(sent.map(n => n.recipients)).toEqual([
        {
          type: 'entity',
          entityRef: ['group:default/analytics', 'group:default/ml-team'],
        },
        {
          type: 'entity',
          entityRef: ['group:default/analytics', 'group:default/ml-team'],
        },
      ]);
      expect(sent.map(n => [n.payload.title, n.payload.severity])).toEqual([
        [
          'group:default/analytics has used 80 % of its 2026-11 model budget',
          'normal',
        ],
        [
          'group:default/analytics has used 100 % of its 2026-11 model budget',
          'high',
        ],
      ]);

      // a new month starts afresh
      const december = [hourOf('2026-12-01T09:00:00Z', 9_000)];
      expect(
        (await collect(december, '2026-12-01T10:00:00Z')).map(
          n => `${n.month} ${n.threshold}`,
        ),
      ).toEqual(['2026-12 80']);
    } finally {
      await close();
    }
  });
});
