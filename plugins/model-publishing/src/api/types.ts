import type {
  ListPublicationsQuery,
  ListPublicationsResponse,
  Publication,
  GetUsageQuery,
  NewApiKey,
  ApiKeyUpdate,
} from '@model-publishing/plugin-model-publishing-common';

/** The API's own types, generated from the backend's openapi.yaml into common. */
export type {
  AuditEntry,
  GuideResponse,
  KubernetesObject,
  ModelInfo,
  ModelResponse,
  PublishResult,
  RotatedApiKey,
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

/** One page of a paged list (`/publications`, `/audit`). */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * One page of `GET /publications`; `total` and `byStatus` count the readable matches of every page
 * (absent from a backend that does not send them).
 */
export type PublicationPage = Page<Publication> &
  Pick<ListPublicationsResponse, 'total' | 'byStatus'>;

/** Filters of `GET /publications`; empty strings are left out of the request. */
export type PublicationFilter = Omit<ListPublicationsQuery, 'kind'> & {
  /** A publishable model kind; the backend answers 400 for any other. */
  kind?: string;
};

export type CreateKeyRequest = NewApiKey;

/** A key's description and own limits (`rateLimits: {}` = the publication's). */
export type UpdateKeyRequest = ApiKeyUpdate;

export type UsageQuery = GetUsageQuery;
