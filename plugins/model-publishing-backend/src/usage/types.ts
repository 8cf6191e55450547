import type {
  LatencyMetric,
  RateLimits,
  UsagePrices,
  UsageTotals,
} from '@model-publishing/plugin-model-publishing-common';
import type { UsageSourcePublication } from '@model-publishing/plugin-model-publishing-node';

export const COUNTERS = [
  'requests',
  'status401',
  'status403',
  'status429',
  'status4xxOther',
  'status5xx',
  'inputTokens',
  'outputTokens',
] as const;

export type Counters = UsageTotals;

export function zeroCounters(): Counters {
  return {
    requests: 0,
    status401: 0,
    status403: 0,
    status429: 0,
    status4xxOther: 0,
    status5xx: 0,
    inputTokens: 0,
    outputTokens: 0,
  };
}

export function addCounters(into: Counters, add: Counters): Counters {
  for (const c of COUNTERS) into[c] += add[c];
  return into;
}

/** One rollup row: a publication, a client id ('' = no key) and an hour (hours since the epoch). */
export interface HourRow extends Counters {
  publicationId: string;
  clientId: string;
  hour: number;
}

/**
 * Observations of one latency metric in one (publication, client id, hour), per histogram bucket: `le` is the
 * bucket's upper bound in seconds (Infinity for the last), `count` the observations in (previous le, le].
 */
export interface LatencyRow {
  publicationId: string;
  clientId: string;
  hour: number;
  metric: LatencyMetric;
  le: number;
  count: number;
}

/** Everything usage needs to know about a publication, provided by the rest of the backend. */
export interface UsagePublicationInfo extends UsageSourcePublication {
  entityRef?: string;
  /** Owning group (the tenant) of the model, as an entity ref. */
  owner?: string;
  /** What its traffic costs: the publication's own prices, else the configured defaults. */
  prices?: UsagePrices;
  /** Published, degraded or mid-operation: pull sources collect for live publications only. */
  live: boolean;
  /**
   * When the publication first became `published` (its route started serving); absent while it is still
   * being published. The demo source generates no traffic before it.
   */
  publishedAt?: Date;
  keys: UsageKeyInfo[];
  /**
   * Limits quota alerts compare against. `publication`: a bucket the whole publication shares (local
   * rate limiting); `keys`: each key's own bucket by client id (global rate limiting, per-key overrides).
   */
  limits: { publication?: RateLimits; keys: Record<string, RateLimits> };
}

/** A key of a publication, revoked and expired ones included (their past traffic stays reportable). */
export interface UsageKeyInfo {
  id: string;
  name: string;
  clientId: string;
  /**
   * Who holds the key and pays for it (an entity ref): the consumer entity (docs/design.md §9), or the user who
   * created the key when it has none.
   */
  consumer?: string;
  /** When the gateway started accepting the key (when known). */
  createdAt?: Date;
  /** When the gateway stopped accepting it: revoked, expired or end of its rotation grace, whichever came first. */
  until?: Date;
}

export interface UsagePublicationDirectory {
  /** Publications whose usage is collected and can be reported (published, degraded, recently unpublished). */
  list(): Promise<UsagePublicationInfo[]>;
  get(publicationId: string): Promise<UsagePublicationInfo | undefined>;
  /**
   * A cheap fingerprint of what `list()` would return (changes when a publication's state changes or a key
   * is created): lets a cache of the list notice a republish at once instead of after its time to live.
   */
  version?(): Promise<string>;
}
