import type {
  LatencyMetric,
  UsageLatency,
} from '@model-publishing/plugin-model-publishing-common';

/** Source id of access-log ingest (its histograms are sparse). */
export const ACCESS_LOG_SOURCE = 'access-log';

/** Stored for +Inf: the database columns are plain doubles. */
export const INF_LE = 1e300;

/**
 * Bucket upper bounds (seconds) of the histograms built from access-log durations: 1 ms × 2^(k/8), a step
 * of about 9 %, from 1 ms up to about 19 minutes, then +Inf. Percentiles read from them are within one
 * bucket (≤ 9 %) of the exact value; only buckets with observations are stored.
 */
export const ACCESS_LOG_BOUNDS: number[] = Array.from({ length: 161 }, (_, k) =>
  Number((0.001 * 2 ** (k / 8)).toPrecision(6)),
);

/** The access-log bucket (its upper bound in seconds; Infinity past the last) holding `seconds`. */
export function accessLogBucket(seconds: number): number {
  if (seconds <= ACCESS_LOG_BOUNDS[0]) return ACCESS_LOG_BOUNDS[0];
  // first bound >= seconds, by binary search
  let lo = 0;
  let hi = ACCESS_LOG_BOUNDS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ACCESS_LOG_BOUNDS[mid] >= seconds) hi = mid;
    else lo = mid + 1;
  }
  return lo < ACCESS_LOG_BOUNDS.length ? ACCESS_LOG_BOUNDS[lo] : Infinity;
}

/** The lower bound of an access-log bucket (0 for the first). */
function accessLogLower(le: number): number | undefined {
  if (le === Infinity) return ACCESS_LOG_BOUNDS[ACCESS_LOG_BOUNDS.length - 1];
  const i = ACCESS_LOG_BOUNDS.indexOf(le);
  if (i < 0) return undefined;
  return i === 0 ? 0 : ACCESS_LOG_BOUNDS[i - 1];
}

export type Histogram = Map<number, number>;

/**
 * The q-quantile of a histogram (per-bucket counts by upper bound) as Prometheus' histogram_quantile
 * computes it: find the bucket holding rank q × total, interpolate linearly inside it (the first bucket
 * starts at 0), and answer the largest finite bound when the rank falls into +Inf. `sparse` histograms
 * (access logs: only buckets with observations are stored) take a bucket's lower bound from the
 * access-log layout; other sources store every bucket, empty ones included, so the lower bound is the
 * previous key.
 */
export function histogramQuantile(
  q: number,
  histogram: Histogram,
  sparse = false,
): number {
  const bounds = [...histogram.keys()].sort((a, b) => a - b);
  const total = bounds.reduce((n, le) => n + histogram.get(le)!, 0);
  if (total === 0 || bounds.length === 0) return NaN;
  const rank = q * total;
  let cumulative = 0;
  for (let i = 0; i < bounds.length; i++) {
    const le = bounds[i];
    const count = histogram.get(le)!;
    if (cumulative + count >= rank && count > 0) {
      if (le === Infinity) {
        const finite = bounds.filter(b => b !== Infinity);
        return finite.length ? finite[finite.length - 1] : NaN;
      }
      if (i === 0 && le <= 0) return le;
      const previous = i === 0 ? 0 : bounds[i - 1];
      const lower = sparse ? accessLogLower(le) ?? previous : previous;
      return lower + (le - lower) * ((rank - cumulative) / count);
    }
    cumulative += count;
  }
  return bounds[bounds.length - 1];
}

/** Adds `add` into `into`, bucket by bucket. */
export function mergeHistogram(into: Histogram, add: Histogram): Histogram {
  for (const [le, n] of add) into.set(le, (into.get(le) ?? 0) + n);
  return into;
}

/** p50/p95/p99 of a histogram, or undefined when it holds no observations. */
export function percentilesOf(
  metric: LatencyMetric,
  source: string,
  histogram: Histogram,
): UsageLatency | undefined {
  let count = 0;
  for (const n of histogram.values()) count += n;
  if (count === 0) return undefined;
  const sparse = source === ACCESS_LOG_SOURCE;
  const round = (v: number) => Number(v.toPrecision(6));
  return {
    metric,
    count,
    p50: round(histogramQuantile(0.5, histogram, sparse)),
    p95: round(histogramQuantile(0.95, histogram, sparse)),
    p99: round(histogramQuantile(0.99, histogram, sparse)),
    source,
  };
}

/** Order in which reports list the metrics. */
export const LATENCY_METRICS: LatencyMetric[] = ['request', 'ttft', 'tpot'];

/**
 * Latency of one subject from the histograms each source stored: access logs see every request, so they
 * are preferred for a metric when they hold observations; otherwise the pull source with the most.
 */
export function pickLatency(
  bySource: Map<string, Map<LatencyMetric, Histogram>>,
): UsageLatency[] {
  const out: UsageLatency[] = [];
  for (const metric of LATENCY_METRICS) {
    let best: UsageLatency | undefined;
    for (const [source, metrics] of bySource) {
      const h = metrics.get(metric);
      const p = h && percentilesOf(metric, source, h);
      if (!p) continue;
      if (
        !best ||
        (source === ACCESS_LOG_SOURCE && best.source !== ACCESS_LOG_SOURCE) ||
        (best.source !== ACCESS_LOG_SOURCE && p.count > best.count)
      )
        best = p;
    }
    if (best) out.push(best);
  }
  return out;
}
