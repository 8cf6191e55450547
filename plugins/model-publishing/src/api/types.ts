import type {
  ApiKeyInfo,
  AuditEntry,
  IssuedApiKey,
  ModelKindDetection,
  Publication,
  PublicationStatus,
  RateLimits,
  UsageBucket,
} from '@internal/plugin-model-publishing-common';

/** Where a model lives: `/models/{cluster}/{namespace}/{name}` (cluster `default` = the configured default). */
export interface ModelAddress {
  cluster: string;
  namespace: string;
  name: string;
}

export interface ModelInfo {
  cluster: string;
  namespace: string;
  name: string;
  entityRef?: string;
  ready: boolean;
  readyMessage?: string;
  detection: ModelKindDetection;
  runtime?: string;
}

export interface ModelResponse {
  model: ModelInfo;
  publication?: Publication;
}

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PublicationFilter {
  owner?: string;
  namespace?: string;
  kind?: string;
  status?: PublicationStatus;
  cursor?: string;
  limit?: number;
}

export interface PublishResult {
  publication: Publication;
  key?: IssuedApiKey;
}

export interface CreateKeyRequest {
  name: string;
  expiresAt?: string;
  rateLimits?: RateLimits;
}

export type RotatedApiKey = IssuedApiKey & { previous: ApiKeyInfo };

export type UsageGranularity = 'hour' | 'day';

export interface UsageQuery {
  from?: string;
  to?: string;
  granularity?: UsageGranularity;
}

/** Per-key totals; the usage backend may add fields, so everything but the key id is optional. */
export interface UsageKeyBreakdown {
  keyId?: string;
  clientId?: string;
  name?: string;
  requests?: number;
  errors?: number;
  status401?: number;
  status403?: number;
  status429?: number;
  status5xx?: number;
  inputTokens?: number;
  outputTokens?: number;
  lastUsedAt?: string;
}

/** A near-quota warning computed by the backend (80% = warning, 100% = exceeded). */
export interface QuotaAlert {
  /** Which limit, e.g. `requestsPerDay`. */
  limit?: string;
  /** Percent of the limit reached (80, 100, …). */
  percent?: number;
  threshold?: number;
  level?: 'warning' | 'exceeded' | 'error' | 'info';
  keyId?: string;
  message: string;
}

/** UsageReport is open in the OpenAPI contract (`additionalProperties: true`); the fields below are read when present. */
export interface UsageReport {
  publicationId?: string;
  from?: string;
  to?: string;
  granularity?: UsageGranularity;
  buckets?: UsageBucket[];
  perKey?: UsageKeyBreakdown[];
  alerts?: QuotaAlert[];
  [key: string]: unknown;
}

export interface UsageSummaryItem {
  publicationId?: string;
  requests?: number;
  errors?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** Small series for a sparkline, oldest first, if the backend sends one. */
  series?: number[];
  buckets?: UsageBucket[];
  [key: string]: unknown;
}

export interface UsageSummary {
  items?: UsageSummaryItem[];
  [key: string]: unknown;
}

export interface GuideResponse {
  markdown: string;
  openapi: Record<string, unknown>;
}

export type { AuditEntry };
