import type { PlanInput } from './access';
import type { ModelResourceKind } from './annotations';

/** The protocol a published model speaks, which decides the gateway objects (design §3). */
export type ModelKind = 'openai' | 'v1' | 'v2' | 'grpc' | 'unknown';
/** The kinds that can be published today (grpc waits for GRPCRoute support). */
export type PublishableModelKind = 'openai' | 'v1' | 'v2';

export interface ModelKindDetection {
  kind: ModelKind;
  confidence: 'high' | 'low';
  /** One sentence a model owner can read: why this kind. */
  reason: string;
  /** Other kinds the owner may choose when confidence is low or the kind is unknown. */
  alternatives: PublishableModelKind[];
  /** For openai: the path prefix the model server serves the OpenAI API under (`/v1`, `/openai/v1`). */
  openaiPathPrefix?: string;
}

export interface RateLimits {
  requestsPerMinute?: number;
  requestsPerHour?: number;
  requestsPerDay?: number;
  /** Token limits apply to OpenAI-compatible models only. */
  tokensPerMinute?: number;
  tokensPerHour?: number;
  tokensPerDay?: number;
  /** Month windows (Envoy Gateway's RateLimitUnit Month), for plans with monthly quotas. */
  requestsPerMonth?: number;
  tokensPerMonth?: number;
}

export interface PublishConfig {
  rateLimits: RateLimits;
  firstKey?: { name: string; expiresAt?: string };
  hostname?: string;
  description?: string;
  /** Confirms or chooses the kind where detection is unsure. */
  modelKind?: PublishableModelKind;
  /**
   * Plans consumers may request (design §9). The `default` plan always exists and has `rateLimits`;
   * an entry named `default` only sets its description, approval and key lifetime.
   */
  plans?: PlanInput[];
}

export type PublicationStatus =
  | 'publishing'
  | 'published'
  | 'updating'
  | 'degraded'
  | 'failed'
  | 'unpublishing'
  | 'unpublished';

/** A Kubernetes object a publication owns. */
export interface OwnedObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface Publication {
  id: string;
  cluster: string;
  namespace: string;
  name: string;
  /** Catalog entity ref of the model, e.g. `component:default/fraud-detector`. */
  entityRef?: string;
  /** Owning group (the tenant), as an entity ref. */
  owner?: string;
  /** The resource published: an InferenceService or an LLMInferenceService (absent on old records). */
  resourceKind?: ModelResourceKind;
  modelKind: PublishableModelKind;
  status: PublicationStatus;
  /** Why the publication is failed or degraded. */
  statusReason?: string;
  config: PublishConfig;
  endpoints: { url: string; description: string }[];
  objects: OwnedObject[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** What any caller may see of a key: never the key itself. */
export interface ApiKeyInfo {
  id: string;
  publicationId: string;
  name: string;
  /** First 8 characters, for recognising a key. */
  prefix: string;
  clientId: string;
  createdBy: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
  /** The key this one replaced by rotation, if any. */
  rotatedFrom?: string;
  /** Set on a key that was rotated: it keeps working until then (end of the grace period). */
  graceUntil?: string;
  status: 'active' | 'grace' | 'expired' | 'revoked';
  rateLimits?: RateLimits;
}

/** The create and rotate responses: the only time the raw key is ever returned. */
export interface IssuedApiKey {
  key: ApiKeyInfo;
  /** The raw key. Shown once; not stored anywhere the portal can read it back. */
  secret: string;
}

/**
 * Every action the audit trail records (openapi.yaml's AuditEntry.action enum). The `.read` actions
 * appear for denied reads, which are audited too (design §5).
 */
export const AUDIT_ACTIONS = [
  'publication.create',
  'publication.update',
  'publication.delete',
  'key.create',
  'key.rotate',
  'key.revoke',
  'key.expire',
  'publication.read',
  'usage.read',
  'audit.read',
  'plan.update',
  'access.request',
  'access.approve',
  'access.deny',
  'access.issue',
  'access.suspend',
  'access.resume',
  'access.revoke',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  id: string;
  actor: string;
  action: AuditAction;
  entityRef?: string;
  publicationId?: string;
  keyId?: string;
  outcome: 'succeeded' | 'failed' | 'denied';
  error?: string;
  createdAt: string;
}

export interface UsageBucket {
  /** Start of the bucket (ISO 8601). */
  start: string;
  requests: number;
  status401: number;
  status403: number;
  status429: number;
  status5xx: number;
  inputTokens: number;
  outputTokens: number;
}

/** Bucket size of a usage report. */
export type UsageGranularity = 'hour' | 'day';

/** Counters of a usage report, summed over some range. */
export type UsageTotals = Omit<UsageBucket, 'start'>;

/** One key's share of a publication's usage. `clientId` '' = requests without a valid key (e.g. 401s). */
export interface UsageKeyBreakdown {
  clientId: string;
  /** The key id (client id `key-<id>`), when the client id is one of ours. */
  keyId?: string;
  keyName?: string;
  totals: UsageTotals;
  lastUsedAt?: string;
}

/** A publication or key that crossed 80% or 100% of a configured limit in one window (once per window). */
export interface UsageQuotaAlert {
  scope: 'publication' | 'key';
  /** Set when scope is 'key'. */
  clientId?: string;
  keyId?: string;
  metric: 'requests' | 'tokens';
  window: 'hour' | 'day';
  /** Start of the window (ISO 8601). */
  windowStart: string;
  limit: number;
  used: number;
  /** The highest threshold crossed in the window, in percent. */
  threshold: 80 | 100;
}

export interface UsageReport {
  publicationId: string;
  from: string;
  to: string;
  granularity: UsageGranularity;
  totals: UsageTotals;
  /** One bucket per hour/day in [from, to), zero-filled. */
  buckets: UsageBucket[];
  /** Per key (client id) totals over the range, biggest first. */
  keys: UsageKeyBreakdown[];
  /** The newest alerts in the range, at most MAX_USAGE_ALERTS (500). */
  alerts: UsageQuotaAlert[];
  /** Set when the range holds more alerts than `alerts` lists: how many there are. */
  alertsTotal?: number;
  lastUsedAt?: string;
}

export interface UsageSummaryItem {
  publicationId: string;
  cluster: string;
  namespace: string;
  name: string;
  entityRef?: string;
  /** Over the summary's range [from, to). */
  totals: UsageTotals;
  /**
   * Requests per UTC day, one number per entry of the summary's `days` (the sparkline of a list page): only
   * the hours inside [from, to) count, so the numbers add up to `totals.requests`.
   */
  requestsPerDay: number[];
  lastUsedAt?: string;
  /** Number of quota alerts in the range. */
  alerts: number;
}

export interface UsageSummary {
  /** Start of the range (whole hours). */
  from: string;
  /** End of the range, exclusive (whole hours). */
  to: string;
  /** Starts (UTC midnight) of the days the range touches, oldest first: the buckets of `requestsPerDay`. */
  days: string[];
  items: UsageSummaryItem[];
}
