import type {
  Deprecation,
  DeprecationInput,
  DeprecationStatus,
} from '@model-publishing/plugin-model-publishing-common';
import { createApiRef } from '@backstage/core-plugin-api';
import type {
  ApiKeyInfo,
  TryItRequest,
  TryItResponse,
  IssuedApiKey,
  Publication,
  PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import type {
  AuditEntry,
  CreateKeyRequest,
  UpdateKeyRequest,
  GuideResponse,
  KubernetesObject,
  ModelAddress,
  ModelResponse,
  Page,
  PublicationFilter,
  PublicationPage,
  PublishResult,
  RotatedApiKey,
  UsageQuery,
  UsageReport,
  UsageSummary,
} from './types';

/** The answer of a dry run. */
export interface DryRunResult {
  objects: KubernetesObject[];
  notes?: string[];
  current?: KubernetesObject[];
}

/** Client for the model-publishing backend (`/api/model-publishing`); one method per REST route. */
export interface ModelPublishingApi {
  /** The publication's deprecation (if any) and who still calls it (issue 21). */
  getDeprecation(model: ModelAddress): Promise<DeprecationStatus>;
  deprecate(model: ModelAddress, input: DeprecationInput): Promise<Deprecation>;
  undeprecate(model: ModelAddress): Promise<void>;
  listPublications(filter?: PublicationFilter): Promise<PublicationPage>;
  getModel(model: ModelAddress): Promise<ModelResponse>;
  /**
   * What a publish would create; with `mode: 'update'` what an update would apply, beside `current` (what
   * the publication's current settings build). `notes`: what was decided from what.
   */
  dryRun(
    model: ModelAddress,
    config: PublishConfig,
    mode?: 'publish' | 'update',
  ): Promise<DryRunResult>;
  publish(model: ModelAddress, config: PublishConfig): Promise<PublishResult>;
  updatePublication(
    model: ModelAddress,
    config: PublishConfig,
  ): Promise<{ publication: Publication }>;
  unpublish(model: ModelAddress): Promise<{ publication: Publication }>;
  listKeys(model: ModelAddress): Promise<{ items: ApiKeyInfo[] }>;
  createKey(
    model: ModelAddress,
    request: CreateKeyRequest,
  ): Promise<IssuedApiKey>;
  rotateKey(
    model: ModelAddress,
    keyId: string,
    gracePeriodHours?: number,
  ): Promise<RotatedApiKey>;
  revokeKey(model: ModelAddress, keyId: string): Promise<ApiKeyInfo>;
  /** Changes a live key's description and its own limits. */
  updateKey(
    model: ModelAddress,
    keyId: string,
    request: UpdateKeyRequest,
  ): Promise<ApiKeyInfo>;
  /** "Try it": one request to the published endpoint, sent by the backend with a stored or pasted key. */
  tryIt(model: ModelAddress, request: TryItRequest): Promise<TryItResponse>;
  getUsage(model: ModelAddress, query?: UsageQuery): Promise<UsageReport>;
  /** Absolute URL of the CSV export (needs the caller's credentials: use downloadUsageCsv in a browser). */
  getUsageCsvUrl(model: ModelAddress, query?: UsageQuery): Promise<string>;
  /** Fetches the CSV with the caller's credentials. */
  downloadUsageCsv(model: ModelAddress, query?: UsageQuery): Promise<Blob>;
  /**
   * Every publication the caller may see usage of, with its totals over [from, to) (default the last 24
   * hours) and its requests per UTC day (`requestsPerDay`, one per `days` entry): what a list page needs
   * for all its rows' sparklines in one request.
   */
  getUsageSummary(query?: {
    from?: string;
    to?: string;
  }): Promise<UsageSummary>;
  getGuide(model: ModelAddress): Promise<GuideResponse>;
  listAudit(
    model: ModelAddress,
    page?: { cursor?: string; limit?: number },
  ): Promise<Page<AuditEntry>>;
}

export const modelPublishingApiRef = createApiRef<ModelPublishingApi>({
  id: 'plugin.model-publishing.api',
});
