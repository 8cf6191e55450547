import { createExtensionPoint } from '@backstage/backend-plugin-api';

/** What a usage source is told about one publication so that it can attribute traffic to it. */
export interface UsageSourcePublication {
  id: string;
  cluster: string;
  namespace: string;
  /** The InferenceService name. */
  name: string;
  modelKind: 'openai' | 'v1' | 'v2';
  /** Name of the route that carries its traffic (HTTPRoute or AIGatewayRoute), `<isvc>-mp`. */
  routeName: string;
  /** Client ids (`key-<id>`) of the publication's keys, including revoked ones still in the range. */
  clientIds: string[];
}

/** One hour of traffic of one client id on one publication. Counters are for that hour only. */
export interface UsageRecord {
  publicationId: string;
  /** The key's client id; '' for requests without a valid key (401s, or sources that cannot tell keys apart). */
  clientId: string;
  /** Start of the hour (any instant inside the hour is truncated to it). */
  hour: Date;
  requests: number;
  status401: number;
  status403: number;
  status429: number;
  /** 4xx answers other than 401, 403 and 429; 0 when absent (sources that cannot tell them apart). */
  status4xxOther?: number;
  status5xx: number;
  inputTokens: number;
  outputTokens: number;
  /** Last request seen in the hour, when the source knows it precisely. */
  lastSeenAt?: Date;
  /** Latency histograms of the hour, one per metric the source measures. */
  latency?: UsageLatencyHistogram[];
}

/**
 * Observations of one latency metric in one hour as histogram buckets: `le` is a bucket's upper bound in
 * seconds (Infinity for the last, Prometheus' `+Inf`) and `count` the observations in (previous le, le] —
 * per bucket, not cumulative as Prometheus stores them.
 */
export interface UsageLatencyHistogram {
  /** request: whole request duration; ttft: time to first token; tpot: time per output token (LLMs). */
  metric: 'request' | 'ttft' | 'tpot';
  buckets: { le: number; count: number }[];
}

export interface UsageCollectRequest {
  /** Inclusive start, on an hour boundary. */
  from: Date;
  /** Exclusive end, on an hour boundary (may be after now: the current hour is partial). */
  to: Date;
  publications: UsageSourcePublication[];
}

/**
 * A pull source of usage, asked by the scheduled collector for hourly records over a range.
 * Collecting the same range again must give the same or newer figures: the collector replaces
 * what this source reported before for each (publication, client id, hour), it never adds.
 */
export interface UsageSource {
  /** Stable id, stored with each rollup row (e.g. 'prometheus', 'demo'). */
  id: string;
  collect(request: UsageCollectRequest): Promise<UsageRecord[]>;
  /** How far back the very first collection reaches; default 24 hours. */
  initialBackfillHours?: number;
}

export interface ModelPublishingUsageExtensionPoint {
  addUsageSource(source: UsageSource): void;
}

/**
 * Lets backend modules add usage sources to the model-publishing backend, e.g.
 * `env.registerInit({ deps: { usage: modelPublishingUsageExtensionPoint }, async init({ usage }) { usage.addUsageSource(mySource) } })`.
 */
export const modelPublishingUsageExtensionPoint =
  createExtensionPoint<ModelPublishingUsageExtensionPoint>({
    id: 'model-publishing.usage',
  });
