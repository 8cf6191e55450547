/**
 * Series backfilled into the real Prometheus of the PrometheusUsageSource integration tests, shaped like Envoy
 * AI Gateway's and Envoy's, with the growth of each series inside each collected hour.
 */
import { UsagePublicationInfo } from '../types';
import { HOUR_MS } from '../time';

/** Deterministic small increments, so expected totals are plain sums. */
function* increments(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2147483648;
    yield x % 7; // 0..6 per scrape, zero included (idle minutes)
  }
}

export type Series = {
  name: string;
  labels: Record<string, string>;
  seed: number;
  scale: number;
};

export const HOURS = 5;
const STEP_S = 60;
export const endHour = Math.floor(Date.now() / HOUR_MS); // exclusive: the collector only takes complete hours
export const startHour = endHour - HOURS;

export const llm: UsagePublicationInfo = {
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
export const traditional: UsagePublicationInfo = {
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

export const series: Series[] = [
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
export function backfill(): { text: string; perHour: Map<Series, number[]> } {
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
