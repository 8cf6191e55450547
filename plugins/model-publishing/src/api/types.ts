import type {
  ApiKeyInfo,
  AuditEntry,
  IssuedApiKey,
  ModelKindDetection,
  Publication,
  PublicationStatus,
  RateLimits,
  UsageGranularity,
} from '@model-publishing/plugin-model-publishing-common';

export type {
  UsageGranularity,
  UsageKeyBreakdown,
  UsageQuotaAlert,
  UsageReport,
  UsageSummary,
  UsageSummaryItem,
} from '@model-publishing/plugin-model-publishing-common';

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

export interface UsageQuery {
  from?: string;
  to?: string;
  granularity?: UsageGranularity;
}

export interface GuideResponse {
  markdown: string;
  openapi: Record<string, unknown>;
}

export type { AuditEntry };
