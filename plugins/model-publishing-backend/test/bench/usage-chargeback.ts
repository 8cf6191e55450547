/**
 * Chargeback latency (GET /usage/chargeback, the costs page's one request): 1,000 keys on 50 priced
 * publications, 30 days of traffic in the month, consumers in a three-level org (users → 20 teams → 4
 * departments → company). Goal (issue #20): p95 <= 100 ms.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs test/bench/usage-chargeback.ts [--pg]
 */
import { loadavg } from 'node:os';
import type { Knex } from 'knex';
import {
  BenchDatabase,
  percentile,
  runOnDatabases,
  usageServiceOn,
} from './support/usageBench';
import { ChargebackService } from '../../src/usage/costs/ChargebackService';
import type { OrgEntity } from '../../src/usage/costs/orgGraph';
import type { HourRow, UsagePublicationInfo } from '../../src/usage/types';

const PUBLICATIONS = 50;
const KEYS = 1000;
const DAYS = 30;
const RUNS = 50;
const MONTH = '2026-11';
const FIRST_HOUR = Date.UTC(2026, 10, 1) / 3_600_000;

async function bench(kind: BenchDatabase, db: Knex) {
  const { store } = usageServiceOn(db);
  const org: OrgEntity[] = [{ ref: 'group:default/company', kind: 'Group' }];
  for (let d = 0; d < 4; d++)
    org.push({
      ref: `group:default/dept-${d}`,
      kind: 'Group',
      relations: [{ type: 'childOf', targetRef: 'group:default/company' }],
    });
  for (let t = 0; t < 20; t++)
    org.push({
      ref: `group:default/team-${t}`,
      kind: 'Group',
      relations: [{ type: 'childOf', targetRef: `group:default/dept-${t % 4}` }],
    });
  const pubs: UsagePublicationInfo[] = [];
  const rows: HourRow[] = [];
  for (let p = 0; p < PUBLICATIONS; p++) {
    const keys = Array.from({ length: KEYS / PUBLICATIONS }, (_, i) => {
      const n = p * (KEYS / PUBLICATIONS) + i;
      const consumer = `user:default/user-${n % 300}`;
      return { id: `k${n}`, name: `key ${n}`, clientId: `key-k${n}`, consumer };
    });
    pubs.push({
      id: `pub-${p}`,
      cluster: 'default',
      namespace: 'bench',
      name: `model-${p}`,
      modelKind: 'openai',
      routeName: `model-${p}-mp`,
      owner: `group:default/team-${p % 20}`,
      prices: {
        inputTokensPerMillion: 1 + (p % 3),
        outputTokensPerMillion: 4,
        requestsPerThousand: 0.2,
      },
      clientIds: keys.map(k => k.clientId),
      keys,
      live: true,
      limits: { keys: {} },
    });
    for (const k of keys)
      for (let d = 0; d < DAYS; d++)
        rows.push({
          publicationId: `pub-${p}`,
          clientId: k.clientId,
          hour: FIRST_HOUR + d * 24 + (d % 24),
          requests: 100 + d,
          status401: 0,
          status403: 0,
          status429: d % 7,
          status4xxOther: 0,
          status5xx: 1,
          inputTokens: 10_000 * (d + 1),
          outputTokens: 3_000 * (d + 1),
        });
  }
  for (let u = 0; u < 300; u++)
    org.push({
      ref: `user:default/user-${u}`,
      kind: 'User',
      relations: [{ type: 'memberOf', targetRef: `group:default/team-${u % 20}` }],
    });
  const seedStart = Date.now();
  for (let i = 0; i < rows.length; i += 5000)
    await store.writer.replaceSourceHours('bench', rows.slice(i, i + 5000));
  const seeded = Date.now() - seedStart;
  if (kind === 'postgres') await db.raw('VACUUM ANALYZE usage_daily');

  const chargeback = new ChargebackService(
    store,
    { list: async () => pubs, get: async () => undefined },
    { entities: async () => org },
    'USD',
    // the page's request re-reads the org graph each time here: the worst case, not the cached one
    { graphTtlMs: 0 },
  );
  for (let i = 0; i < 5; i++) await chargeback.report(MONTH); // warm-up
  const times: number[] = [];
  const cpu: number[] = [];
  let report;
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    report = await chargeback.report(MONTH);
    JSON.stringify(report);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const p95 = percentile(times, 95);
  console.log(
    `[usage-chargeback] ${kind}: ${KEYS} keys x ${DAYS} days (${rows.length} key-days, seeded in ${seeded} ms); ` +
      `${report!.lines.length} lines, ${report!.keys.length} keys, total ${report!.total} ${report!.currency}; ` +
      `${RUNS} runs: wall p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${p95.toFixed(2)} ms; ` +
      `this process's CPU time p50 ${percentile(cpu, 50).toFixed(2)} ms, p95 ${percentile(cpu, 95).toFixed(2)} ms ` +
      `(goal p95 <= 100 ms: ${p95 <= 100 ? 'met' : 'NOT met'} on wall time; load average ${loadavg()[0].toFixed(1)})`,
  );
}

runOnDatabases(bench);
