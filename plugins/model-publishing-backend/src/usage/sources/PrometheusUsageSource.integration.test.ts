/**
 * Runs a real Prometheus (Debian package `prometheus`, which also ships `promtool`): backfills series shaped
 * like Envoy AI Gateway's and Envoy's, then checks the collector's rollups against the backfilled totals.
 * Without the binaries the test is skipped with a notice — except in CI, where it fails.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { PrometheusUsageSource } from './PrometheusUsageSource';
import { DEFAULT_PROMETHEUS_QUERIES } from '../config';
import { UsageCollector } from '../UsageCollector';
import { UsagePublicationInfo } from '../types';
import { HOUR_MS } from '../time';
import { createUsageTestDb, usageServiceOn } from '../__testUtils__/db';

function findBinary(name: string): string | undefined {
  for (const dir of [
    ...(process.env.PATH ?? '').split(':'),
    '/usr/bin',
    '/usr/local/bin',
  ]) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

const prometheusBin = findBinary('prometheus');
const promtoolBin = findBinary('promtool');
const available = Boolean(prometheusBin && promtoolBin);
if (!available) {
  if (process.env.CI === 'true') {
    throw new Error(
      'prometheus/promtool not found on PATH or /usr/bin; CI must install the Debian package prometheus',
    );
  }
  // eslint-disable-next-line no-console
  console.warn(
    'notice: prometheus/promtool not found (apt-get install prometheus); skipping the Prometheus integration test',
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Deterministic small increments, so expected totals are plain sums. */
function* increments(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2147483648;
    yield x % 7; // 0..6 per scrape, zero included (idle minutes)
  }
}

type Series = {
  name: string;
  labels: Record<string, string>;
  seed: number;
  scale: number;
};

const HOURS = 5;
const STEP_S = 60;
const endHour = Math.floor(Date.now() / HOUR_MS); // exclusive: the collector only takes complete hours
const startHour = endHour - HOURS;

const llm: UsagePublicationInfo = {
  id: 'pub-llm',
  cluster: 'default',
  namespace: 'ml',
  name: 'llama',
  modelKind: 'openai',
  routeName: 'llama-mp',
  clientIds: ['key-a', 'key-b'],
  keys: [
    { id: 'a', name: 'app', clientId: 'key-a' },
    { id: 'b', name: 'batch', clientId: 'key-b' },
  ],
  live: true,
  limits: { keys: {} },
};
const traditional: UsagePublicationInfo = {
  id: 'pub-v2',
  cluster: 'default',
  namespace: 'ml',
  name: 'fraud',
  modelKind: 'v2',
  routeName: 'fraud-mp',
  clientIds: ['key-f'],
  keys: [{ id: 'f', name: 'scoring', clientId: 'key-f' }],
  live: true,
  limits: { keys: {} },
};

const aigw = (client: string, extra: Record<string, string>) => ({
  client_id: client,
  gen_ai_operation_name: 'chat',
  gen_ai_request_model: 'llama',
  gen_ai_system: 'openai',
  ...extra,
});

const series: Series[] = [
  {
    name: 'gen_ai_client_token_usage_sum',
    labels: aigw('key-a', { gen_ai_token_type: 'input' }),
    seed: 1,
    scale: 40,
  },
  {
    name: 'gen_ai_client_token_usage_sum',
    labels: aigw('key-a', { gen_ai_token_type: 'output' }),
    seed: 2,
    scale: 90,
  },
  {
    name: 'gen_ai_client_token_usage_sum',
    labels: aigw('key-b', { gen_ai_token_type: 'input' }),
    seed: 3,
    scale: 15,
  },
  {
    name: 'gen_ai_client_token_usage_sum',
    labels: aigw('key-b', { gen_ai_token_type: 'output' }),
    seed: 4,
    scale: 30,
  },
  // another model's key on the same gateway: not ours, must not be counted
  {
    name: 'gen_ai_client_token_usage_sum',
    labels: aigw('key-zz', { gen_ai_token_type: 'input' }),
    seed: 5,
    scale: 50,
  },
  {
    name: 'gen_ai_server_request_duration_seconds_count',
    labels: aigw('key-a', {}),
    seed: 6,
    scale: 1,
  },
  {
    name: 'gen_ai_server_request_duration_seconds_count',
    labels: aigw('key-a', { error_type: '_OTHER' }),
    seed: 7,
    scale: 1,
  },
  {
    name: 'gen_ai_server_request_duration_seconds_count',
    labels: aigw('key-b', {}),
    seed: 8,
    scale: 1,
  },
  ...['200', '429', '503'].map((code, i) => ({
    name: 'envoy_cluster_upstream_rq',
    labels: {
      envoy_cluster_name: 'httproute/ml/fraud-mp/rule/0',
      envoy_response_code: code,
    },
    seed: 9 + i,
    scale: code === '200' ? 3 : 1,
  })),
];

/** Latency histograms shaped like AI Gateway's (cumulative `_bucket` counters by `le`). */
const LE = ['0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];
const histogramSeries = [
  {
    name: 'gen_ai_server_request_duration_seconds_bucket',
    client: 'key-a',
    seed: 21,
  },
  {
    name: 'gen_ai_server_request_duration_seconds_bucket',
    client: 'key-b',
    seed: 22,
  },
  {
    name: 'gen_ai_server_time_to_first_token_seconds_bucket',
    client: 'key-a',
    seed: 23,
  },
];

/** OpenMetrics lines of the histograms: per minute, a few observations in each bucket. */
function histogramLines(): string[] {
  const lines: string[] = [];
  for (const name of new Set(histogramSeries.map(h => h.name))) {
    lines.push(`# TYPE ${name} unknown`);
    for (const h of histogramSeries.filter(x => x.name === name)) {
      const gens = LE.map((_, j) => increments(h.seed * 10 + j));
      const perBucket = LE.map(() => 0);
      for (
        let t = startHour * 3600 - STEP_S;
        t <= endHour * 3600;
        t += STEP_S
      ) {
        if (t > startHour * 3600 - STEP_S)
          LE.forEach((_, j) => {
            // fewer slow requests than fast ones
            perBucket[j] += gens[j].next().value >> (j > 3 ? 1 : 0);
          });
        let cumulative = 0;
        LE.forEach((le, j) => {
          cumulative += perBucket[j];
          lines.push(
            `${name}{${Object.entries(aigw(h.client, { le }))
              .map(([k, v]) => `${k}="${v}"`)
              .join(',')}} ${cumulative} ${t}`,
          );
        });
      }
    }
  }
  return lines;
}

/**
 * OpenMetrics with one sample per minute from one minute before the first hour to the last hour's end; the
 * counters start at 0. Returns the file and, per series, the growth inside each collected hour.
 */
function backfill(): { text: string; perHour: Map<Series, number[]> } {
  const lines: string[] = [];
  const perHour = new Map<Series, number[]>();
  const byName = new Map<string, Series[]>();
  for (const s of series)
    byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  for (const [name, group] of byName) {
    lines.push(`# TYPE ${name} unknown`);
    for (const s of group) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      const hours = new Array(HOURS).fill(0);
      const gen = increments(s.seed);
      let value = 0;
      const first = startHour * 3600 - STEP_S;
      const last = endHour * 3600;
      for (let t = first; t <= last; t += STEP_S) {
        if (t > first) {
          const inc = gen.next().value * s.scale;
          value += inc;
          // a sample at exactly an hour's end belongs to the hour that ends there
          const hourIndex = Math.ceil(t / 3600) - 1 - startHour;
          if (hourIndex >= 0 && hourIndex < HOURS) hours[hourIndex] += inc;
        }
        lines.push(`${name}{${labels}} ${value} ${t}`);
      }
      perHour.set(s, hours);
    }
  }
  lines.push(...histogramLines());
  lines.push('# EOF');
  return { text: `${lines.join('\n')}\n`, perHour };
}

const maybe = available ? describe : describe.skip;

maybe('PrometheusUsageSource against a real Prometheus', () => {
  jest.setTimeout(120_000);
  let dir: string;
  let prom: ChildProcess | undefined;
  let url: string;
  let expected: Map<Series, number[]>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mp-usage-prom-'));
    const { text, perHour } = backfill();
    expected = perHour;
    writeFileSync(join(dir, 'series.om'), text);
    execFileSync(
      promtoolBin!,
      [
        'tsdb',
        'create-blocks-from',
        'openmetrics',
        '-q',
        join(dir, 'series.om'),
        join(dir, 'data'),
      ],
      {
        stdio: 'pipe',
      },
    );
    writeFileSync(
      join(dir, 'prometheus.yml'),
      'global:\n  scrape_interval: 1h\nscrape_configs: []\n',
    );
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    prom = spawn(
      prometheusBin!,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--storage.tsdb.retention.time=30d`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    prom.stderr!.on('data', d => {
      stderr = (stderr + d).slice(-4000);
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (prom.exitCode !== null)
        throw new Error(`prometheus exited: ${stderr}`);
      const ready = await fetch(`${url}/-/ready`).then(
        r => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline)
        throw new Error(`prometheus not ready after 60 s: ${stderr}`);
      await new Promise(r => setTimeout(r, 250));
    }
  });

  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      const exited = new Promise(r => prom!.once('exit', r));
      prom.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('collects rollups equal to the backfilled totals per key and per token type', async () => {
    const { db, close } = await createUsageTestDb('sqlite');
    try {
      const { store, service } = usageServiceOn(db, {
        maxRecordsPerBatch: 1000,
      });
      const now = endHour * HOUR_MS + 10 * 60_000; // ten minutes into the hour after the data
      const source = new PrometheusUsageSource({
        url,
        queries: DEFAULT_PROMETHEUS_QUERIES,
        initialBackfillHours: HOURS,
        now: () => now,
      });
      const collector = new UsageCollector({
        sources: [source],
        service,
        store,
        directory: {
          list: async () => [llm, traditional],
          get: async () => undefined,
        },
        logger: mockServices.logger.mock(),
        retentionDays: 30,
        now: () => now,
      });
      expect(await collector.runOnce()).toEqual([
        { source: 'prometheus', records: expect.any(Number) },
      ]);
      // a second run re-collects the last hours and must not change anything
      await collector.runOnce();

      const hourly = (s: Series) => expected.get(s)!;
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      const find = (name: string, labels: Record<string, string>) =>
        series.find(
          s =>
            s.name === name &&
            Object.entries(labels).every(([k, v]) => s.labels[k] === v),
        )!;
      const tokens = (client: string, type: string) =>
        hourly(
          find('gen_ai_client_token_usage_sum', {
            client_id: client,
            gen_ai_token_type: type,
          }),
        );
      const reqs = (client: string, error?: string) =>
        hourly(
          series.find(
            s =>
              s.name === 'gen_ai_server_request_duration_seconds_count' &&
              s.labels.client_id === client &&
              s.labels.error_type === error,
          )!,
        );

      const query = {
        from: new Date(startHour * HOUR_MS),
        to: new Date(endHour * HOUR_MS),
        granularity: 'hour' as const,
      };
      const report = await service.report(llm, query);
      const key = (c: string) =>
        report.keys.find(k => k.clientId === c)!.totals;

      // per key and per token type, over the whole range
      expect(key('key-a').inputTokens).toBe(sum(tokens('key-a', 'input')));
      expect(key('key-a').outputTokens).toBe(sum(tokens('key-a', 'output')));
      expect(key('key-b').inputTokens).toBe(sum(tokens('key-b', 'input')));
      expect(key('key-b').outputTokens).toBe(sum(tokens('key-b', 'output')));
      expect(key('key-a').requests).toBe(
        sum(reqs('key-a')) + sum(reqs('key-a', '_OTHER')),
      );
      expect(key('key-a').status5xx).toBe(sum(reqs('key-a', '_OTHER')));
      expect(key('key-b').requests).toBe(sum(reqs('key-b')));
      expect(report.keys.map(k => k.clientId).sort()).toEqual([
        'key-a',
        'key-b',
      ]);

      // and hour by hour
      expect(report.buckets.map(b => b.inputTokens)).toEqual(
        tokens('key-a', 'input').map((v, i) => v + tokens('key-b', 'input')[i]),
      );
      expect(report.buckets.map(b => b.outputTokens)).toEqual(
        tokens('key-a', 'output').map(
          (v, i) => v + tokens('key-b', 'output')[i],
        ),
      );

      // Envoy route counters for the traditional model, without a per-key split
      const route = (code: string) =>
        hourly(
          find('envoy_cluster_upstream_rq', { envoy_response_code: code }),
        );
      const v2 = await service.report(traditional, query);
      expect(v2.totals.requests).toBe(
        sum(route('200')) + sum(route('429')) + sum(route('503')),
      );
      expect(v2.totals.status429).toBe(sum(route('429')));
      expect(v2.totals.status5xx).toBe(sum(route('503')));
      expect(v2.keys.find(k => k.clientId === '')?.totals.requests).toBe(
        v2.totals.requests,
      );
      expect(v2.buckets.map(b => b.requests)).toEqual(
        route('200').map((v, i) => v + route('429')[i] + route('503')[i]),
      );

      // latency: the same percentiles as histogram_quantile over the range, per key and for the model
      const promQuantile = async (
        q: number,
        metric: string,
        client?: string,
      ) => {
        const m = `${metric}${client ? `{client_id="${client}"}` : ''}`;
        const body = new URLSearchParams({
          query: `histogram_quantile(${q}, sum by (le) (${m} - ${m} offset ${HOURS}h))`,
          time: String(endHour * 3600),
        });
        const res = await fetch(`${url}/api/v1/query`, {
          method: 'POST',
          body,
        });
        const json = (await res.json()) as {
          data: { result: { value: [number, string] }[] };
        };
        return Number(json.data.result[0].value[1]);
      };
      const duration = 'gen_ai_server_request_duration_seconds_bucket';
      const ttft = 'gen_ai_server_time_to_first_token_seconds_bucket';
      const latencyOf = (
        list: typeof report.latency | undefined,
        metric: string,
      ) => list?.find(l => l.metric === metric);
      for (const [q, field] of [
        [0.5, 'p50'],
        [0.95, 'p95'],
        [0.99, 'p99'],
      ] as const) {
        const keyA = report.keys.find(k => k.clientId === 'key-a')!;
        const keyB = report.keys.find(k => k.clientId === 'key-b')!;
        expect(latencyOf(keyA.latency, 'request')![field]).toBeCloseTo(
          await promQuantile(q, duration, 'key-a'),
          4,
        );
        expect(latencyOf(keyB.latency, 'request')![field]).toBeCloseTo(
          await promQuantile(q, duration, 'key-b'),
          4,
        );
        expect(latencyOf(report.latency, 'request')![field]).toBeCloseTo(
          await promQuantile(q, duration),
          4,
        );
        expect(latencyOf(report.latency, 'ttft')![field]).toBeCloseTo(
          await promQuantile(q, ttft),
          4,
        );
      }
      expect(latencyOf(report.latency, 'request')!.source).toBe('prometheus');
      expect(latencyOf(report.latency, 'tpot')).toBeUndefined();
      expect(report.approximations.join(' ')).toMatch(
        /Error classes from Prometheus are approximate/,
      );
    } finally {
      await close();
    }
  });
});
