/* eslint-disable no-console */
/**
 * List latency of publications with a page of 50 as the table grows (issue 4 goal: p95 ≤ 25 ms at
 * 10,000, flat as N grows). Keyset pagination on (created_at, id) with indexes: every page costs the
 * same. Runs on SQLite, and on PostgreSQL when one answers on 127.0.0.1:5432 (or MP_BENCH_POSTGRES_URL).
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs test/bench/publish-list.bench.ts
 */
import { execFileSync } from 'node:child_process';
import knexFactory, { Knex } from 'knex';
import { migrate } from '../../plugins/model-publishing-backend/src/database/migrate';
import { PublicationStore } from '../../plugins/model-publishing-backend/src/database/PublicationStore';

const SIZES = (process.env.SIZES ?? '1000,10000,50000').split(',').map(Number);
const QUERIES = Number(process.env.QUERIES ?? 200);
const PG_URL =
  process.env.MP_BENCH_POSTGRES_URL ??
  'postgresql://postgres@127.0.0.1:5432/postgres';

function pct(values: number[], p: number) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function fill(db: Knex, from: number, to: number) {
  const base = Date.parse('2026-01-01T00:00:00Z');
  const rows = [];
  for (let i = from; i < to; i++) {
    rows.push({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      cluster: 'local',
      namespace: `ns-${i % 20}`,
      name: `model-${i}`,
      live_key: `local/ns-${i % 20}/model-${i}`,
      entity_ref: `component:default/model-${i}`,
      owner: `group:default/team-${i % 10}`,
      model_kind: i % 3 ? 'v1' : 'openai',
      status: 'published',
      status_reason: null,
      config: JSON.stringify({ rateLimits: { requestsPerMinute: 60 } }),
      objects: JSON.stringify([
        {
          apiVersion: 'v1',
          kind: 'Secret',
          namespace: `ns-${i % 20}`,
          name: `model-${i}-mp-keys`,
        },
      ]),
      endpoints: JSON.stringify([
        {
          url: `https://models.example.com/models/ns/model-${i}`,
          description: 'base',
        },
      ]),
      created_by: 'user:default/bench',
      created_at: new Date(base + i * 1000),
      updated_at: new Date(base + i * 1000),
    });
  }
  await db.batchInsert('publications', rows, 500);
}

async function bench(label: string, db: Knex) {
  await migrate(db);
  const store = new PublicationStore(db);
  let n = 0;
  for (const size of SIZES) {
    await fill(db, n, size);
    n = size;
    if (db.client.config.client === 'pg') await db.raw('ANALYZE publications');
    // Cursors spread over the whole table, so deep pages are measured as well as the first.
    const cursors: (string | undefined)[] = [undefined];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await store.list({ limit: 50, cursor });
      cursor = page.nextCursor;
      cursors.push(cursor);
    }
    const deep = await store.list({ limit: 50 });
    void deep;
    const times: number[] = [];
    const filtered: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      const t = performance.now();
      await store.list({ limit: 50, cursor: cursors[q % cursors.length] });
      times.push(performance.now() - t);
      const t2 = performance.now();
      await store.list({
        limit: 50,
        owner: `group:default/team-${q % 10}`,
        status: 'published',
      });
      filtered.push(performance.now() - t2);
    }
    console.log(
      `${label.padEnd(10)} N=${String(size).padStart(6)} page 50: p50 ${pct(
        times,
        50,
      ).toFixed(2)} ms, p95 ${pct(times, 95).toFixed(
        2,
      )} ms; by owner+status p95 ${pct(filtered, 95).toFixed(2)} ms`,
    );
    // The published-models page's own queries: each model's current record, history left out, searched
    // (an endpoint URL's path here) and counted over every matching row, not only the page.
    const pageQuery = { current: true, excludeUnpublished: true } as const;
    const searched: number[] = [];
    const counted: number[] = [];
    let searchHits = 0;
    let total = 0;
    for (let q = 0; q < Math.max(1, QUERIES / 10); q++) {
      const t3 = performance.now();
      const hit = await store.list({
        ...pageQuery,
        limit: 50,
        q: `/models/ns/model-${(q * 37) % size}`,
      });
      searched.push(performance.now() - t3);
      searchHits += hit.items.length ? 1 : 0;
      const t4 = performance.now();
      total = (await store.count(pageQuery)).total;
      counted.push(performance.now() - t4);
    }
    console.log(
      `${label.padEnd(10)} N=${String(size).padStart(
        6,
      )} page's search by endpoint URL: p50 ${pct(searched, 50).toFixed(
        2,
      )} ms, p95 ${pct(searched, 95).toFixed(2)} ms, ${searchHits}/${
        searched.length
      } found; total of all matching rows: ${total} (${
        total === size ? 'met: every row' : `NOT MET: expected ${size}`
      }), p50 ${pct(counted, 50).toFixed(2)} ms, p95 ${pct(counted, 95).toFixed(
        2,
      )} ms`,
    );
  }
}

async function main() {
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  await bench('sqlite', sqlite);
  await sqlite.destroy();

  let pgUp = false;
  try {
    const url = new URL(PG_URL);
    execFileSync(
      'pg_isready',
      ['-q', '-h', url.hostname, '-p', url.port || '5432'],
      { timeout: 3000 },
    );
    pgUp = true;
  } catch {
    console.log('notice: PostgreSQL not reachable; PostgreSQL figures skipped');
  }
  if (pgUp) {
    const name = `mp_bench_${Date.now()}`;
    const admin = knexFactory({ client: 'pg', connection: PG_URL });
    await admin.raw(`CREATE DATABASE ${name}`);
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    const pg = knexFactory({
      client: 'pg',
      connection: url.toString(),
      pool: { min: 1, max: 4 },
    });
    try {
      await bench('postgres', pg);
    } finally {
      await pg.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    }
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
