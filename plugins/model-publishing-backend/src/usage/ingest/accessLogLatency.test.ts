import type { LatencyMetric } from '@model-publishing/plugin-model-publishing-common';
import { AccessLogIngestor } from './AccessLogIngestor';
import { ACCESS_LOG_BOUNDS, accessLogBucket } from '../latency';
import { UsagePublicationInfo } from '../types';
import {
  createUsageTestDb,
  usageServiceOn,
  usageTestDatabases,
} from '../__testUtils__/db';

const llama: UsagePublicationInfo = {
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
const directory = {
  list: async () => [llama],
  get: async () => llama,
};
const NOW = Date.parse('2026-03-01T12:00:00Z');
const CODES = [200, 200, 200, 200, 200, 200, 400, 404, 401, 403, 429, 500, 503];

/** A deterministic recorded set: two hours, two keys (and some unkeyed 401s), varied codes and times. */
function recordedSet(n: number) {
  let x = 42;
  const rand = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  return Array.from({ length: n }, (_, i) => {
    const code = CODES[Math.floor(rand() * CODES.length)];
    const keyed = rand() < 0.6 ? 'key-a' : 'key-b';
    const client = code === 401 ? null : keyed;
    // log-uniform 3 ms .. 40 s: every part of the bucket layout is used
    const duration = Math.round(3 * Math.exp(rand() * Math.log(40_000 / 3)));
    const responseDuration = Math.round(duration * (0.05 + 0.9 * rand()));
    const outputTokens = code === 200 ? 1 + Math.floor(rand() * 400) : 0;
    return {
      start_time: new Date(
        Date.parse('2026-03-01T10:00:00Z') + Math.floor(rand() * 2 * 3600_000),
      ).toISOString(),
      response_code: code,
      route_name: 'httproute/ml/llama-mp/rule/0/match/0/llama',
      client_id: client,
      request_id: `req-${i}`,
      input_tokens: code === 200 ? 10 + Math.floor(rand() * 900) : 0,
      output_tokens: outputTokens,
      duration,
      response_duration: responseDuration,
    };
  });
}

/** Nearest-rank percentile of the raw values. */
function exactPercentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/** The [lower, upper] bounds of the access-log bucket holding `seconds`. */
function bucketAround(seconds: number): [number, number] {
  const le = accessLogBucket(seconds);
  const i = ACCESS_LOG_BOUNDS.indexOf(le);
  return [i <= 0 ? 0 : ACCESS_LOG_BOUNDS[i - 1], le];
}

describe.each(usageTestDatabases())(
  'access-log latency and errors on %s',
  kind => {
    jest.setTimeout(60_000);
    it('reports percentiles in the bucket of the exact ones, and error classes exactly, per key and model', async () => {
      const { db, close } = await createUsageTestDb(kind);
      try {
        const { store, service } = usageServiceOn(db);
        const ingestor = new AccessLogIngestor(store, directory, {
          dedupeHours: 72,
          maxRecordsPerBatch: 10_000,
          now: () => NOW,
        });
        const records = recordedSet(3000);
        // delivered in three batches, one of them twice: counted once
        await ingestor.ingest({ records: records.slice(0, 1000) });
        await ingestor.ingest({ records: records.slice(1000, 2000) });
        await ingestor.ingest({ records: records.slice(1000, 3000) });

        const report = await service.report(llama, {
          from: new Date('2026-03-01T10:00:00Z'),
          to: new Date('2026-03-01T12:00:00Z'),
          granularity: 'hour',
        });

        const observations = (
          subset: typeof records,
        ): Record<LatencyMetric, number[]> => ({
          request: subset.map(r => r.duration / 1000),
          ttft: subset.map(
            r => Math.min(r.response_duration, r.duration) / 1000,
          ),
          tpot: subset
            .filter(r => r.output_tokens > 1)
            .map(
              r =>
                (r.duration - Math.min(r.response_duration, r.duration)) /
                1000 /
                (r.output_tokens - 1),
            ),
        });
        const check = (
          subset: typeof records,
          latency: typeof report.latency | undefined,
        ) => {
          const raw = observations(subset);
          for (const metric of ['request', 'ttft', 'tpot'] as const) {
            const reported = latency!.find(l => l.metric === metric)!;
            expect(reported).toMatchObject({
              count: raw[metric].length,
              source: 'access-log',
            });
            for (const [q, field] of [
              [0.5, 'p50'],
              [0.95, 'p95'],
              [0.99, 'p99'],
            ] as const) {
              const exact = exactPercentile(raw[metric], q);
              const [lower, upper] = bucketAround(exact);
              expect(reported[field]).toBeGreaterThanOrEqual(lower * 0.99999);
              expect(reported[field]).toBeLessThanOrEqual(upper * 1.00001);
              // and that bucket is narrow: about 9 % of the value
              expect(upper - lower).toBeLessThanOrEqual(upper * 0.09 + 0.001);
            }
          }
        };
        check(records, report.latency);
        for (const client of ['key-a', 'key-b']) {
          check(
            records.filter(r => r.client_id === client),
            report.keys.find(k => k.clientId === client)!.latency,
          );
        }

        // error classes, exact per key and for the model
        const classes = (subset: typeof records) => ({
          requests: subset.length,
          status401: subset.filter(r => r.response_code === 401).length,
          status403: subset.filter(r => r.response_code === 403).length,
          status429: subset.filter(r => r.response_code === 429).length,
          status4xxOther: subset.filter(r =>
            [400, 404].includes(r.response_code),
          ).length,
          status5xx: subset.filter(r => r.response_code >= 500).length,
        });
        expect(report.totals).toMatchObject(classes(records));
        for (const client of ['key-a', 'key-b']) {
          expect(
            report.keys.find(k => k.clientId === client)!.totals,
          ).toMatchObject(classes(records.filter(r => r.client_id === client)));
        }
        expect(report.approximations).toEqual([
          'Latency percentiles from access logs are within one histogram bucket (about 9 %) of the exact value.',
        ]);
      } finally {
        await close();
      }
    });
  },
);
