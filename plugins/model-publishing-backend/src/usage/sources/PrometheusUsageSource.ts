import type {
  UsageCollectRequest,
  UsageRecord,
  UsageSource,
  UsageSourcePublication,
} from '@model-publishing/plugin-model-publishing-node';
import { HOUR_MS, hourOf, hourStart } from '../time';
import { parseRouteName } from '../ingest/accessLog';
import type { PrometheusQueries } from '../config';

/** Latency metric of each histogram query. */
const HISTOGRAMS = [
  ['request', 'requestDuration'],
  ['ttft', 'timeToFirstToken'],
  ['tpot', 'timePerOutputToken'],
] as const;

export interface PrometheusUsageSourceOptions {
  url: string;
  queries: PrometheusQueries;
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Query Envoy per-route counters for publications without AI Gateway metrics. */
  routes?: boolean;
  /** How far back the first collection reaches; default 24 hours. */
  initialBackfillHours?: number;
  now?: () => number;
}

type MatrixResult = {
  metric: Record<string, string>;
  values: [number, string][];
}[];

function emptyRecord(
  publicationId: string,
  clientId: string,
  hour: number,
): UsageRecord {
  return {
    publicationId,
    clientId,
    hour: hourStart(hour),
    requests: 0,
    status401: 0,
    status403: 0,
    status429: 0,
    status5xx: 0,
    inputTokens: 0,
    outputTokens: 0,
  };
}

/**
 * Pulls hourly usage from Prometheus: AI Gateway's token and request metrics per client id, and Envoy's
 * per-route upstream counters for traditional models. Each query is evaluated at every hour's end with
 * `query_range` (step 1h), so the value at T is the usage of the hour [T-1h, T). Only complete hours are
 * collected: the current hour appears once it is over.
 */
export class PrometheusUsageSource implements UsageSource {
  readonly id = 'prometheus';
  readonly initialBackfillHours: number;

  constructor(private readonly options: PrometheusUsageSourceOptions) {
    this.initialBackfillHours = options.initialBackfillHours ?? 24;
  }

  async collect(request: UsageCollectRequest): Promise<UsageRecord[]> {
    const now = (this.options.now ?? Date.now)();
    const fromHour = hourOf(request.from);
    const toHour = Math.min(
      Math.ceil(request.to.getTime() / HOUR_MS),
      hourOf(now),
    );
    if (toHour <= fromHour || request.publications.length === 0) return [];

    const byClient = new Map<string, UsageSourcePublication>();
    const byRoute = new Map<string, UsageSourcePublication>();
    for (const p of request.publications) {
      for (const c of p.clientIds) byClient.set(c, p);
      // LLM routes are counted per key by AI Gateway; route counters would count their traffic twice.
      if (p.modelKind !== 'openai')
        byRoute.set(`${p.namespace}/${p.routeName}`, p);
    }

    const records = new Map<string, UsageRecord>();
    const recordFor = (
      pub: UsageSourcePublication,
      clientId: string,
      hour: number,
    ) => {
      const k = `${pub.id}\u0000${clientId}\u0000${hour}`;
      let r = records.get(k);
      if (!r) {
        r = emptyRecord(pub.id, clientId, hour);
        records.set(k, r);
      }
      return r;
    };
    const eachValue = (
      result: MatrixResult,
      fn: (labels: Record<string, string>, hour: number, v: number) => void,
    ) => {
      for (const series of result) {
        for (const [t, raw] of series.values) {
          const v = Math.round(Number(raw));
          // evaluated at the hour's end: the bucket is the hour before
          if (Number.isFinite(v) && v > 0)
            fn(series.metric, Math.round((t * 1000) / HOUR_MS) - 1, v);
        }
      }
    };

    const range = { start: (fromHour + 1) * 3600, end: toHour * 3600 };
    const llms = request.publications.some(p => p.modelKind === 'openai');
    const [tokens, requests, routes, ...histograms] = await Promise.all([
      this.queryRange(this.options.queries.tokens, range),
      this.queryRange(this.options.queries.requests, range),
      this.options.routes !== false && byRoute.size > 0
        ? this.queryRange(this.options.queries.routes, range)
        : Promise.resolve([] as MatrixResult),
      ...HISTOGRAMS.map(([, query]) =>
        llms
          ? this.queryRange(this.options.queries[query], range)
          : Promise.resolve([] as MatrixResult),
      ),
    ]);

    eachValue(tokens, (labels, hour, v) => {
      const pub = byClient.get(labels.client_id);
      if (!pub) return;
      const r = recordFor(pub, labels.client_id, hour);
      if (labels.gen_ai_token_type === 'input') r.inputTokens += v;
      else if (labels.gen_ai_token_type === 'output') r.outputTokens += v;
    });
    eachValue(requests, (labels, hour, v) => {
      const pub = byClient.get(labels.client_id);
      if (!pub) return;
      const r = recordFor(pub, labels.client_id, hour);
      r.requests += v;
      // AI Gateway sets error_type on failed requests; refusals (401/403/429) never reach it.
      if (labels.error_type) r.status5xx += v;
    });
    eachValue(routes, (labels, hour, v) => {
      const route = parseRouteName(labels.envoy_cluster_name);
      const pub = route && byRoute.get(`${route.namespace}/${route.route}`);
      if (!pub) return;
      const r = recordFor(pub, '', hour);
      const code = Number(labels.envoy_response_code);
      r.requests += v;
      if (code === 401) r.status401 += v;
      else if (code === 403) r.status403 += v;
      else if (code === 429) r.status429 += v;
      else if (code >= 500) r.status5xx += v;
    });
    HISTOGRAMS.forEach(([metric], i) => {
      // cumulative count per (client, hour) and le, then per-bucket counts in le order
      const cumulative = new Map<string, Map<number, number>>();
      for (const series of histograms[i]) {
        const clientId = series.metric.client_id;
        const le = Number(
          series.metric.le === '+Inf' ? Infinity : series.metric.le,
        );
        if (!byClient.has(clientId) || Number.isNaN(le)) continue;
        for (const [t, raw] of series.values) {
          const v = Number(raw);
          if (!Number.isFinite(v)) continue;
          const hour = Math.round((t * 1000) / HOUR_MS) - 1;
          const k = `${clientId}\u0000${hour}`;
          const byLe = cumulative.get(k) ?? new Map<number, number>();
          byLe.set(le, v);
          cumulative.set(k, byLe);
        }
      }
      for (const [k, byLe] of cumulative) {
        const [clientId, hour] = k.split('\u0000');
        const bounds = [...byLe.keys()].sort((a, b) => a - b);
        let previous = 0;
        const buckets = bounds.map(le => {
          const total = Math.round(byLe.get(le)!);
          const count = Math.max(0, total - previous);
          previous = Math.max(previous, total);
          return { le, count };
        });
        if (previous === 0) continue;
        const r = recordFor(byClient.get(clientId)!, clientId, Number(hour));
        (r.latency ??= []).push({ metric, buckets });
      }
    });
    return [...records.values()];
  }

  private async queryRange(
    query: string,
    range: { start: number; end: number },
  ): Promise<MatrixResult> {
    const body = new URLSearchParams({
      query,
      start: String(range.start),
      end: String(range.end),
      step: '3600',
    });
    const response = await fetch(`${this.options.url}/api/v1/query_range`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...this.options.headers,
      },
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
    });
    const payload = (await response.json().catch(() => undefined)) as
      | {
          status: string;
          error?: string;
          data?: { resultType: string; result: MatrixResult };
        }
      | undefined;
    if (!response.ok || payload?.status !== 'success' || !payload.data) {
      throw new Error(
        `Prometheus query_range failed (HTTP ${response.status}): ${
          payload?.error ?? 'no valid response'
        }`,
      );
    }
    return payload.data.result;
  }
}
