/**
 * Access-log ingest throughput on one core: 50,000 Envoy JSON records (50 keys on 2 publications, a mix of
 * 200/401/429/503 with token counts) in NDJSON batches of 1,000, validated, deduplicated and counted into
 * the rollups, then the same batches again (all duplicates). Goal: >= 5,000 records/s.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs test/bench/usage-ingest.ts [--pg]
 */
import { loadavg } from 'node:os';
import type { Knex } from 'knex';
import { BenchDatabase, runOnDatabases } from './support/usageBench';
import { AccessLogIngestor } from '../../src/usage/ingest/AccessLogIngestor';
import { UsageStore } from '../../src/usage/UsageStore';
import type { UsagePublicationInfo } from '../../src/usage/types';

const RECORDS = 50_000;
const BATCH = 1_000;

function publications(): UsagePublicationInfo[] {
  return ['chat', 'fraud'].map((name, p) => {
    const clientIds = Array.from({ length: 25 }, (_, i) => `key-${p}-${i}`);
    return {
      id: `pub-${name}`,
      cluster: 'default',
      namespace: 'bench',
      name,
      modelKind: p === 0 ? 'openai' : 'v2',
      routeName: `${name}-mp`,
      clientIds,
      keys: clientIds.map((clientId, i) => ({
        id: `${p}-${i}`,
        name: `k${i}`,
        clientId,
      })),
      live: true,
      limits: { keys: {} },
    };
  });
}

function batches(now: number): string[] {
  const pubs = publications();
  const out: string[] = [];
  let lines: string[] = [];
  for (let n = 0; n < RECORDS; n++) {
    const pub = pubs[n % 2];
    let code = 200;
    if (n % 50 === 0) code = 401;
    else if (n % 40 === 0) code = 429;
    else if (n % 97 === 0) code = 503;
    const flags: Record<number, string> = { 503: 'UH', 429: 'RL' };
    const at = new Date(now - 6 * 3_600_000 + n * 400).toISOString(); // spread over ~5.5 hours
    lines.push(
      JSON.stringify({
        start_time: at,
        method: 'POST',
        path:
          pub.modelKind === 'openai'
            ? '/v1/chat/completions'
            : `/models/bench/${pub.name}/v2/models/${pub.name}/infer`,
        response_code: code,
        response_flags: flags[code] ?? '-',
        response_code_details: code === 200 ? 'via_upstream' : 'local_reply',
        route_name: `httproute/bench/${pub.routeName}/rule/0/match/0/bench_example_com`,
        client_id:
          code === 401 ? null : pub.clientIds[(n >> 1) % pub.clientIds.length],
        request_id: `req-${n}`,
        input_tokens:
          pub.modelKind === 'openai' && code === 200 ? 100 + (n % 400) : null,
        output_tokens:
          pub.modelKind === 'openai' && code === 200 ? 20 + (n % 300) : null,
        duration: n % 1500,
        upstream_host: '10.0.0.1:8080',
      }),
    );
    if (lines.length === BATCH) {
      out.push(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  return out;
}

async function bench(kind: BenchDatabase, db: Knex) {
  const pubs = publications();
  const now = Date.now();
  const ingestor = new AccessLogIngestor(
    new UsageStore(db),
    { list: async () => pubs, get: async id => pubs.find(p => p.id === id) },
    { dedupeHours: 72, maxRecordsPerBatch: 10_000, now: () => now },
  );
  const bodies = batches(now);
  await ingestor.ingest(bodies[0]); // warm-up: JIT, directory cache (its records then count as duplicates)

  for (const pass of ['new records', 're-delivery (all duplicates)']) {
    let accepted = 0;
    let duplicates = 0;
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (const body of bodies) {
      const r = await ingestor.ingest(body);
      accepted += r.accepted;
      duplicates += r.duplicates;
    }
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    const cpuS = (c.user + c.system) / 1e6;
    const rate = RECORDS / wallS;
    const cpuNote =
      kind === 'sqlite'
        ? `, ${Math.round(RECORDS / cpuS)} records per CPU-second`
        : '';
    console.log(
      `[usage-ingest] ${kind}, ${pass}: ${RECORDS} records in ${bodies.length} NDJSON batches of ${BATCH} ` +
        `(accepted ${accepted}, duplicates ${duplicates}) in ${wallS.toFixed(
          2,
        )} s wall = ${Math.round(rate)} records/s${cpuNote} ` +
        `(goal >= 5000/s: ${
          rate >= 5000 ? 'met' : 'NOT met'
        } on wall time; load average ${loadavg()[0].toFixed(1)})`,
    );
  }
}

runOnDatabases(bench);
