import type { UsageRecord } from '@model-publishing/plugin-model-publishing-node';
import { ChargebackService, monthDays } from './ChargebackService';
import { chargebackToCsv, restrictChargeback } from './chargeback';
import type { OrgEntity } from './orgGraph';
import type { UsagePublicationInfo } from '../types';
import {
  createUsageTestDb,
  usageServiceOn,
  usageTestDatabases,
} from '../__testUtils__/db';

const rel = (type: string, targetRef: string) => ({ type, targetRef });
/** Three levels: company ← engineering ← ml-team, and company ← sales; a system in a domain. */
const org: OrgEntity[] = [
  { ref: 'group:default/company', kind: 'Group' },
  {
    ref: 'group:default/engineering',
    kind: 'Group',
    relations: [rel('childOf', 'group:default/company')],
  },
  {
    ref: 'group:default/ml-team',
    kind: 'Group',
    relations: [rel('childOf', 'group:default/engineering')],
  },
  {
    ref: 'group:default/sales',
    kind: 'Group',
    relations: [rel('childOf', 'group:default/company')],
  },
  {
    ref: 'user:default/alice',
    kind: 'User',
    relations: [rel('memberOf', 'group:default/ml-team')],
  },
  {
    ref: 'user:default/bob',
    kind: 'User',
    relations: [rel('memberOf', 'group:default/engineering')],
  },
  {
    ref: 'user:default/carol',
    kind: 'User',
    relations: [rel('memberOf', 'group:default/sales')],
  },
  {
    ref: 'component:default/crm',
    kind: 'Component',
    relations: [rel('partOf', 'system:default/sales-tools')],
  },
  {
    ref: 'system:default/sales-tools',
    kind: 'System',
    relations: [rel('partOf', 'domain:default/commerce')],
  },
  { ref: 'domain:default/commerce', kind: 'Domain' },
];

const pub = (
  id: string,
  owner: string,
  prices: UsagePublicationInfo['prices'],
  keys: [string, string][],
): UsagePublicationInfo => ({
  id,
  cluster: 'default',
  namespace: 'ml',
  name: id,
  modelKind: 'openai',
  routeName: `${id}-mp`,
  owner,
  prices,
  clientIds: keys.map(([k]) => `key-${k}`),
  keys: keys.map(([k, consumer]) => ({
    id: k,
    name: `key ${k}`,
    clientId: `key-${k}`,
    consumer,
  })),
  live: true,
  limits: { keys: {} },
});
const llm = pub(
  'llm',
  'group:default/ml-team',
  {
    inputTokensPerMillion: 2,
    outputTokensPerMillion: 6,
    requestsPerThousand: 0.5,
  },
  [
    ['a', 'user:default/alice'],
    ['b', 'user:default/bob'],
  ],
);
const scoring = pub(
  'scoring',
  'group:default/risk',
  { requestsPerThousand: 1.2 },
  [
    ['c', 'user:default/carol'],
    ['d', 'user:default/dave'], // not in the catalog: a root of its own
    ['e', 'component:default/crm'],
  ],
);

const rec = (
  publicationId: string,
  key: string,
  day: string,
  c: Partial<UsageRecord>,
): UsageRecord => ({
  publicationId,
  clientId: `key-${key}`,
  hour: new Date(`${day}T10:00:00Z`),
  requests: 0,
  status401: 0,
  status403: 0,
  status429: 0,
  status5xx: 0,
  inputTokens: 0,
  outputTokens: 0,
  ...c,
});

jest.setTimeout(60_000);

describe.each(usageTestDatabases())('ChargebackService on %s', kind => {
  it('prices each key, rolls costs up a three-level org and component → system → domain, and exports the page as CSV', async () => {
    const { db, close } = await createUsageTestDb(kind);
    try {
      const { store, service } = usageServiceOn(db);
      await service.recordPulled(
        'access-log',
        [
          // alice: (1000 − 10 refused) × 0.5/1000 + 2 M × 2 + 0.5 M × 6 = 0.495 + 4 + 3 = 7.495
          rec('llm', 'a', '2026-11-03', {
            requests: 1000,
            status429: 10,
            inputTokens: 2_000_000,
            outputTokens: 500_000,
          }),
          // October: not in the month
          rec('llm', 'a', '2026-10-31', {
            requests: 1000,
            inputTokens: 9_000_000,
          }),
          // bob: 0.1 + 0.2 + 0.3 = 0.6 on the 3rd, 0.2 + 2 = 2.2 on the 20th
          rec('llm', 'b', '2026-11-03', {
            requests: 200,
            inputTokens: 100_000,
            outputTokens: 50_000,
          }),
          rec('llm', 'b', '2026-11-20', {
            requests: 400,
            inputTokens: 1_000_000,
          }),
          // carol: (5000 − 50 refused) × 1.2/1000 = 5.94 (5xx are served, so billed)
          rec('scoring', 'c', '2026-11-05', {
            requests: 5000,
            status403: 50,
            status5xx: 100,
          }),
          // dave: 0.12; crm: 0.6
          rec('scoring', 'd', '2026-11-30', { requests: 100 }),
          rec('scoring', 'e', '2026-11-30', { requests: 500 }),
        ],
        new Date('2026-12-01T00:00:00Z'),
      );
      const chargeback = new ChargebackService(
        store,
        { list: async () => [llm, scoring], get: async () => undefined },
        { entities: async () => org },
        'EUR',
      );
      const report = await chargeback.report('2026-11');
      const line = (ref: string) => report.lines.find(l => l.ref === ref)!;

      expect(report.total).toBe(16.955); // 7.495 + 2.8 + 5.94 + 0.12 + 0.6
      expect(line('user:default/alice')).toMatchObject({
        ownCost: 7.495,
        totalCost: 7.495,
        depth: 3,
      });
      expect(line('group:default/ml-team')).toMatchObject({
        ownCost: 0,
        totalCost: 7.495,
        depth: 2,
      });
      expect(line('user:default/bob')).toMatchObject({
        totalCost: 2.8,
        depth: 2,
      });
      expect(line('group:default/engineering')).toMatchObject({
        totalCost: 10.295,
        depth: 1,
      });
      expect(line('group:default/sales')).toMatchObject({
        totalCost: 5.94,
        depth: 1,
      });
      expect(line('group:default/company')).toMatchObject({
        totalCost: 16.235,
        depth: 0,
        requests: 990 + 600 + 4950,
        inputTokens: 3_100_000,
        outputTokens: 550_000,
      });
      expect(line('user:default/dave')).toMatchObject({
        totalCost: 0.12,
        depth: 0,
      });
      expect(line('domain:default/commerce')).toMatchObject({
        totalCost: 0.6,
        depth: 0,
      });
      expect(line('system:default/sales-tools').parent).toBe(
        'domain:default/commerce',
      );
      // per day: engineering on the 3rd (alice 7.495 + bob 0.6) and the 20th (bob 2.2)
      const days = line('group:default/engineering').costPerDay;
      expect(days).toHaveLength(30);
      expect(days[2]).toBe(8.095);
      expect(days[19]).toBe(2.2);
      expect(days.reduce((a, b) => a + b, 0)).toBeCloseTo(10.295, 9);
      // tree order: the biggest root first, children right under their parent
      expect(report.lines.map(l => `${'  '.repeat(l.depth)}${l.ref}`)).toEqual([
        'group:default/company',
        '  group:default/engineering',
        '    group:default/ml-team',
        '      user:default/alice',
        '    user:default/bob',
        '  group:default/sales',
        '    user:default/carol',
        'domain:default/commerce',
        '  system:default/sales-tools',
        '    component:default/crm',
        'user:default/dave',
      ]);
      // per key, and per owning team of the models
      expect(report.keys.map(k => [k.keyId, k.consumer, k.cost])).toEqual([
        ['a', 'user:default/alice', 7.495],
        ['c', 'user:default/carol', 5.94],
        ['b', 'user:default/bob', 2.8],
        ['e', 'component:default/crm', 0.6],
        ['d', 'user:default/dave', 0.12],
      ]);
      expect(report.providers.map(p => [p.owner, p.cost])).toEqual([
        ['group:default/ml-team', 10.295],
        ['group:default/risk', 6.66],
      ]);

      // the CSV is the page's table: same rows, same order, same figures
      const csv = chargebackToCsv(report).trim().split('\r\n');
      expect(csv[0]).toBe(
        'month,ref,kind,parent,depth,ownCost (EUR),totalCost (EUR),requests,inputTokens,outputTokens',
      );
      expect(csv.slice(1)).toEqual(
        report.lines.map(l =>
          [
            '2026-11',
            l.ref,
            l.kind,
            l.parent ?? '',
            l.depth,
            l.ownCost,
            l.totalCost,
            l.requests,
            l.inputTokens,
            l.outputTokens,
          ].join(','),
        ),
      );

      // a group's members see their subtree only
      const engineering = restrictChargeback(
        report,
        new Set(['group:default/engineering']),
      );
      expect(engineering.lines.map(l => [l.ref, l.depth])).toEqual([
        ['group:default/engineering', 0],
        ['group:default/ml-team', 1],
        ['user:default/alice', 2],
        ['user:default/bob', 1],
      ]);
      expect(engineering.total).toBe(10.295);
      expect(engineering.keys.map(k => k.keyId).sort()).toEqual(['a', 'b']);
    } finally {
      await close();
    }
  });

  it('refuses a month that is not YYYY-MM', () => {
    expect(() => monthDays('2026-13')).toThrow('month: must be YYYY-MM');
    expect(monthDays('2024-02')).toEqual({ firstDay: 19754, dayCount: 29 });
  });
});
