/**
 * Usage summary latency (GET /usage/summary, the published-models page's one request): 50 publications x 5
 * keys, 30 days of hourly rollups and the daily rollups and last-use rows the collector writes with them,
 * every key limited (so the alert-count queries do real work). Measured for the page's request (7 days
 * ending now, from midnight UTC six days ago) and for 30 days; also prints how many SQL queries one summary
 * runs, so a regression to queries per publication shows. Goal (issue #20): p95 <= 30 ms for both ranges,
 * on SQLite and PostgreSQL.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs test/bench/usage-summary.ts [--pg]
 *
 * SQLite (the embedded default) always; PostgreSQL too with --pg (MP_TEST_POSTGRES_URL or 127.0.0.1:5432).
 */
import { loadavg } from 'node:os';
import type { Knex } from 'knex';
import {
  BenchDatabase,
  percentile,
  runOnDatabases,
  usageServiceOn,
} from './support/usageBench';
import type { HourRow, UsagePublicationInfo } from '../../src/usage/types';

const PUBLICATIONS = 50;
const KEYS = 5;
const DAYS = 30;
const RUNS = 100;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

async function bench(kind: BenchDatabase, db: Knex) {
  const { store, service } = usageServiceOn(db);
  const now = Date.now();
  // 30 days of hours up to and including the current (partial) one, as the collector leaves them
  const endHour = Math.floor(now / HOUR_MS) + 1;
  const startHour = endHour - DAYS * 24;
  const pubs: UsagePublicationInfo[] = [];
  const seeds: {
    rows: HourRow[];
    lastUsed: { publicationId: string; clientId: string; ms: number }[];
  }[] = [];
  for (let p = 0; p < PUBLICATIONS; p++) {
    const id = `pub-${p}`;
    const clientIds = Array.from({ length: KEYS }, (_, i) => `key-${p}-${i}`);
    pubs.push({
      id,
      cluster: 'default',
      namespace: 'bench',
      name: `model-${p}`,
      modelKind: 'openai',
      routeName: `model-${p}-mp`,
      entityRef: `component:bench/model-${p}`,
      clientIds,
      keys: clientIds.map((clientId, i) => ({
        id: `${p}-${i}`,
        name: `key ${i}`,
        clientId,
      })),
      live: true,
      // every key limited, so the alert queries do real work
      limits: {
        keys: Object.fromEntries(
          clientIds.map(c => [
            c,
            { requestsPerHour: 100, tokensPerDay: 200_000 },
          ]),
        ),
      },
    });
    const rows: HourRow[] = [];
    for (let h = startHour; h < endHour; h++) {
      clientIds.forEach((clientId, i) => {
        // mostly well below the 100/hour limit, with the occasional busy hour near or over it
        const r = (h * 7919 + i * 104729 + p * 31) % 1000;
        const requests = r < 30 ? 80 + (r % 40) : (r % 60) + 1;
        rows.push({
          publicationId: id,
          clientId,
          hour: h,
          requests,
          status401: 0,
          status403: requests % 5 === 0 ? 1 : 0,
          status429: requests > 85 ? requests - 85 : 0,
          status4xxOther: 0,
          status5xx: requests % 13 === 0 ? 1 : 0,
          inputTokens: requests * 250,
          outputTokens: requests * 90,
        });
      });
    }
    seeds.push({
      rows,
      lastUsed: clientIds.map(clientId => ({
        publicationId: id,
        clientId,
        ms: now - p * 60_000,
      })),
    });
  }
  // through the collector's write path: merged hourly rows, hourly totals, daily rollups and last use
  const seedStart = Date.now();
  for (const seed of seeds)
    await store.writer.replaceSourceHours('bench', seed.rows, seed.lastUsed);
  const seeded = Date.now() - seedStart;
  const hourlyRows = seeds.reduce((n, s) => n + s.rows.length, 0);
  if (kind === 'postgres') {
    // what autovacuum does to a table this size in production: statistics and the visibility map
    // (index-only scans) — a freshly bulk-loaded table has neither
    await db.raw(
      'VACUUM ANALYZE usage_hourly, usage_hourly_total, usage_daily, usage_key_last_used',
    );
  }

  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const ranges = [
    {
      label: '7 days (page)',
      range: { from: new Date(today - 6 * DAY_MS), to: new Date(now) },
      goal: true,
    },
    {
      label: '30 days',
      range: { from: new Date(now - DAYS * DAY_MS), to: new Date(now) },
      goal: true,
    },
  ];
  for (const { label, range, goal } of ranges) {
    for (let i = 0; i < 10; i++) await service.summary(pubs, range); // warm-up

    // one summary with a query listener, outside the timed runs
    let queries = 0;
    const onQuery = () => {
      queries++;
    };
    db.on('query', onQuery);
    await service.summary(pubs, range);
    db.removeListener('query', onQuery);

    const times: number[] = [];
    const cpu: number[] = [];
    let summary;
    for (let i = 0; i < RUNS; i++) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      summary = await service.summary(pubs, range);
      JSON.stringify(summary); // what the route does with it
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    const p95 = percentile(times, 95);
    const alerts = summary!.items.reduce((n, item) => n + item.alerts, 0);
    // SQLite runs inside this process, so its CPU time is the latency on a core of its own; on a shared,
    // busy machine wall time also counts waiting for a core. PostgreSQL works in another process: wall only.
    const cpuNote =
      kind === 'sqlite'
        ? `; CPU time p50 ${percentile(cpu, 50).toFixed(
            2,
          )} ms, p95 ${percentile(cpu, 95).toFixed(2)} ms`
        : '';
    const goalNote = goal
      ? `goal p95 <= 30 ms: ${p95 <= 30 ? 'met' : 'NOT met'} on wall time`
      : 'no goal of its own';
    console.log(
      `[usage-summary] ${kind}, ${label}: ${PUBLICATIONS} publications x ${KEYS} keys x ${
        DAYS * 24
      } hours (${hourlyRows} hourly rows, seeded in ${seeded} ms); ` +
        `${summary!.items.length} items, ${
          summary!.days.length
        } days, ${alerts} alerts, ${
          JSON.stringify(summary).length
        } bytes, ${queries} SQL queries per summary; ` +
        `${RUNS} runs: wall p50 ${percentile(times, 50).toFixed(2)} ms, ` +
        `p95 ${p95.toFixed(2)} ms, max ${times[times.length - 1].toFixed(
          2,
        )} ms${cpuNote} ` +
        `(${goalNote}; load average ${loadavg()[0].toFixed(1)})`,
    );
  }
}

runOnDatabases(bench);
