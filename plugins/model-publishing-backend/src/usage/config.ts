import type { Config } from '@backstage/config';
import type {
  RateLimits,
  UsagePrices,
} from '@model-publishing/plugin-model-publishing-common';

export const MIN_HOURLY_RETENTION_DAYS = 30;

/** A histogram's bucket counters' growth per client and `le` over the hour, like the counters below. */
function histogramIncrease(bucket: string): string {
  const m = `${bucket}{client_id=~"key-.+"}`;
  return `sum by (client_id, le) (((${m} - ${m} offset 1h) >= 0) or increase(${m}[1h]))`;
}

/** Default PromQL, evaluated at each hour's end (query_range, step 1h). Client ids of our keys are `key-<id>`. */
export const DEFAULT_PROMETHEUS_QUERIES = {
  /**
   * Tokens per client and token type for the hour ending at the evaluation time. The difference of the
   * counter across the hour is exact (hour totals add up to the counter's growth); `increase()` fills in
   * where the difference is missing or negative (a new series, or a counter reset).
   */
  tokens:
    'sum by (client_id, gen_ai_token_type) (((gen_ai_client_token_usage_sum{client_id=~"key-.+"} - gen_ai_client_token_usage_sum{client_id=~"key-.+"} offset 1h) >= 0) or increase(gen_ai_client_token_usage_sum{client_id=~"key-.+"}[1h]))',
  /** Requests per client and error type (error_type absent on success). */
  requests:
    'sum by (client_id, error_type) (((gen_ai_server_request_duration_seconds_count{client_id=~"key-.+"} - gen_ai_server_request_duration_seconds_count{client_id=~"key-.+"} offset 1h) >= 0) or increase(gen_ai_server_request_duration_seconds_count{client_id=~"key-.+"}[1h]))',
  /**
   * Latency histograms per client and bucket (cumulative `le`) for the hour ending at the evaluation time:
   * AI Gateway's request duration, time to first token and time per output token.
   */
  requestDuration: histogramIncrease(
    'gen_ai_server_request_duration_seconds_bucket',
  ),
  timeToFirstToken: histogramIncrease(
    'gen_ai_server_time_to_first_token_seconds_bucket',
  ),
  timePerOutputToken: histogramIncrease(
    'gen_ai_server_time_per_output_token_seconds_bucket',
  ),
  /**
   * Envoy per-route upstream responses by code, for routes without AI Gateway metrics (traditional models).
   * Envoy Gateway names a route's cluster `httproute/<namespace>/<route>/rule/<n>`.
   */
  routes:
    'sum by (envoy_cluster_name, envoy_response_code) (((envoy_cluster_upstream_rq{envoy_cluster_name=~"httproute/.+"} - envoy_cluster_upstream_rq{envoy_cluster_name=~"httproute/.+"} offset 1h) >= 0) or increase(envoy_cluster_upstream_rq{envoy_cluster_name=~"httproute/.+"}[1h]))',
};

export type PrometheusQueries = typeof DEFAULT_PROMETHEUS_QUERIES;

/** Each query as configured, or its default. */
function readQueries(q: Config | undefined): PrometheusQueries {
  const read = (name: keyof PrometheusQueries) =>
    q?.getOptionalString(name) ?? DEFAULT_PROMETHEUS_QUERIES[name];
  return {
    tokens: read('tokens'),
    requests: read('requests'),
    routes: read('routes'),
    requestDuration: read('requestDuration'),
    timeToFirstToken: read('timeToFirstToken'),
    timePerOutputToken: read('timePerOutputToken'),
  };
}

export interface UsageConfig {
  /** Hourly rollups are kept this many days (≥ 30). */
  retentionDays: number;
  dailyRetentionDays: number;
  collectEveryMinutes: number;
  /** ISO 4217 code of the prices, costs and budgets. */
  currency: string;
  /** Prices of publications that set none of their own. */
  prices?: UsagePrices;
  /** A quota on each publication's total (hour/day fields), for quota alerts only; the gateway limits keys. */
  publicationQuota?: RateLimits;
  prometheus?: {
    url: string;
    queries: PrometheusQueries;
    timeoutMs: number;
    /** Extra request headers, e.g. Authorization for a protected Prometheus. */
    headers: Record<string, string>;
    /** Skip the per-route query (no Envoy stats scraped). */
    routes: boolean;
  };
  ingest: {
    /** Service principals allowed to ingest; empty = none (router/serviceAccess.ts, docs/security.md). */
    allowedSubjects: string[];
    /** Records older than this are not counted (their duplicates could no longer be recognised). */
    dedupeHours: number;
    maxRecordsPerBatch: number;
    /** Cluster that route names without one belong to. */
    cluster?: string;
  };
}

/** Reads `modelPublishing.usage`; refuses settings that would break the retention guarantee. */
export function readUsageConfig(root: Config): UsageConfig {
  const c = root.getOptionalConfig('modelPublishing.usage');
  const retentionDays = c?.getOptionalNumber('retentionDays') ?? 30;
  if (
    !Number.isInteger(retentionDays) ||
    retentionDays < MIN_HOURLY_RETENTION_DAYS
  ) {
    throw new Error(
      `modelPublishing.usage.retentionDays must be a whole number of at least ${MIN_HOURLY_RETENTION_DAYS}, got ${retentionDays}`,
    );
  }
  const dailyRetentionDays = c?.getOptionalNumber('dailyRetentionDays') ?? 400;
  if (
    !Number.isInteger(dailyRetentionDays) ||
    dailyRetentionDays < retentionDays
  ) {
    throw new Error(
      `modelPublishing.usage.dailyRetentionDays must be a whole number ≥ retentionDays (${retentionDays}), got ${dailyRetentionDays}`,
    );
  }
  const p = c?.getOptionalConfig('prometheus');
  const dedupeHours = c?.getOptionalNumber('ingest.dedupeHours') ?? 72;
  if (!(dedupeHours >= 1)) {
    throw new Error(
      `modelPublishing.usage.ingest.dedupeHours must be at least 1, got ${dedupeHours}`,
    );
  }
  return {
    retentionDays,
    dailyRetentionDays,
    currency: readCurrency(c?.getOptionalString('currency')),
    prices: readPrices(c?.getOptionalConfig('prices')),
    collectEveryMinutes: c?.getOptionalNumber('collectEveryMinutes') ?? 5,
    publicationQuota: readQuota(c?.getOptionalConfig('publicationQuota')),
    prometheus: p
      ? {
          url: p.getString('url').replace(/\/+$/, ''),
          queries: readQueries(p.getOptionalConfig('queries')),
          timeoutMs: p.getOptionalNumber('timeoutMs') ?? 15_000,
          headers:
            (p.getOptional('headers') as Record<string, string> | undefined) ??
            {},
          routes: p.getOptionalBoolean('routes') ?? true,
        }
      : undefined,
    ingest: {
      allowedSubjects:
        c?.getOptionalStringArray('ingest.allowedSubjects') ?? [],
      dedupeHours,
      maxRecordsPerBatch:
        c?.getOptionalNumber('ingest.maxRecordsPerBatch') ?? 10_000,
      cluster: c?.getOptionalString('ingest.cluster'),
    },
  };
}

function readCurrency(v: string | undefined): string {
  if (v === undefined) return 'USD';
  if (!/^[A-Z]{3}$/.test(v))
    throw new Error(
      `modelPublishing.usage.currency must be an ISO 4217 code such as USD or EUR, got '${v}'`,
    );
  return v;
}

/**
 * The named numbers of a config block, each checked; undefined when none is set. `rule` completes
 * "modelPublishing.usage.<block>.<field> must …" in the error.
 */
function readNumbers<F extends string>(
  c: Config | undefined,
  block: string,
  fields: readonly F[],
  valid: (v: number) => boolean,
  rule: string,
): Partial<Record<F, number>> | undefined {
  if (!c) return undefined;
  const out: Partial<Record<F, number>> = {};
  for (const field of fields) {
    const v = c.getOptionalNumber(field);
    if (v === undefined) continue;
    if (!valid(v))
      throw new Error(`modelPublishing.usage.${block}.${field} must ${rule}`);
    out[field] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

function readQuota(c: Config | undefined): RateLimits | undefined {
  return readNumbers(
    c,
    'publicationQuota',
    ['requestsPerHour', 'requestsPerDay', 'tokensPerHour', 'tokensPerDay'],
    v => v > 0,
    'be greater than 0',
  );
}

function readPrices(c: Config | undefined): UsagePrices | undefined {
  return readNumbers(
    c,
    'prices',
    ['inputTokensPerMillion', 'outputTokensPerMillion', 'requestsPerThousand'],
    v => v >= 0,
    'not be negative',
  );
}
