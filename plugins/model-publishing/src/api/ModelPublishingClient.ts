import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  ModelPublishingApiClient,
  clusterModelPath,
  type ApiKeyInfo,
  type Deprecation,
  type DeprecationInput,
  type DeprecationStatus,
  type IssuedApiKey,
  type ListPublicationsQuery,
  type Publication,
  type PublishConfig,
  type TryItRequest,
  type TryItResponse,
} from '@model-publishing/plugin-model-publishing-common';
import { bodyOf, okResponse } from './generatedClient';
import type { DryRunResult, ModelPublishingApi } from './ModelPublishingApi';
import { modelPath } from './modelAddress';
import type {
  AuditEntry,
  CreateKeyRequest,
  UpdateKeyRequest,
  GuideResponse,
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

/** ModelPublishingApi over the generated client, addressing models by their cluster address. */
export class ModelPublishingClient implements ModelPublishingApi {
  private readonly client: ModelPublishingApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.client = new ModelPublishingApiClient(options);
  }

  listPublications(filter: PublicationFilter = {}): Promise<PublicationPage> {
    const query = Object.fromEntries(
      Object.entries(filter).filter(([, value]) => value !== ''),
    ) as ListPublicationsQuery;
    return bodyOf(this.client.listPublications({ query }));
  }

  getModel(model: ModelAddress): Promise<ModelResponse> {
    return bodyOf(this.client.getModel({ path: clusterModelPath(model) }));
  }

  dryRun(
    model: ModelAddress,
    config: PublishConfig,
    mode?: 'publish' | 'update',
  ): Promise<DryRunResult> {
    return bodyOf(
      this.client.dryRunPublication({
        path: clusterModelPath(model),
        body: config,
        ...(mode === 'update' ? { query: { mode } } : {}),
      }),
    );
  }

  publish(model: ModelAddress, config: PublishConfig): Promise<PublishResult> {
    return bodyOf(
      this.client.publish({ path: clusterModelPath(model), body: config }),
    );
  }

  updatePublication(
    model: ModelAddress,
    config: PublishConfig,
  ): Promise<{ publication: Publication }> {
    return bodyOf(
      this.client.updatePublication({
        path: clusterModelPath(model),
        body: config,
      }),
    );
  }

  unpublish(model: ModelAddress): Promise<{ publication: Publication }> {
    return bodyOf(this.client.unpublish({ path: clusterModelPath(model) }));
  }

  tryIt(model: ModelAddress, request: TryItRequest): Promise<TryItResponse> {
    return bodyOf(
      this.client.tryPublication({
        path: clusterModelPath(model),
        body: request,
      }),
    );
  }

  listKeys(model: ModelAddress): Promise<{ items: ApiKeyInfo[] }> {
    return bodyOf(this.client.listKeys({ path: clusterModelPath(model) }));
  }

  createKey(
    model: ModelAddress,
    request: CreateKeyRequest,
  ): Promise<IssuedApiKey> {
    return bodyOf(
      this.client.createKey({ path: clusterModelPath(model), body: request }),
    );
  }

  rotateKey(
    model: ModelAddress,
    keyId: string,
    gracePeriodHours?: number,
  ): Promise<RotatedApiKey> {
    return bodyOf(
      this.client.rotateKey({
        path: { ...clusterModelPath(model), keyId },
        body: gracePeriodHours === undefined ? {} : { gracePeriodHours },
      }),
    );
  }

  getDeprecation(model: ModelAddress): Promise<DeprecationStatus> {
    return bodyOf(
      this.client.getDeprecation({ path: clusterModelPath(model) }),
    );
  }

  deprecate(
    model: ModelAddress,
    input: DeprecationInput,
  ): Promise<Deprecation> {
    return bodyOf(
      this.client.deprecatePublication({
        path: clusterModelPath(model),
        body: input,
      }),
    );
  }

  async undeprecate(model: ModelAddress): Promise<void> {
    await okResponse(
      this.client.undeprecatePublication({ path: clusterModelPath(model) }),
    );
  }

  updateKey(
    model: ModelAddress,
    keyId: string,
    request: UpdateKeyRequest,
  ): Promise<ApiKeyInfo> {
    return bodyOf(
      this.client.updateKey({
        path: { ...clusterModelPath(model), keyId },
        body: request,
      }),
    );
  }

  revokeKey(model: ModelAddress, keyId: string): Promise<ApiKeyInfo> {
    return bodyOf(
      this.client.revokeKey({ path: { ...clusterModelPath(model), keyId } }),
    );
  }

  getUsage(model: ModelAddress, query: UsageQuery = {}): Promise<UsageReport> {
    return bodyOf(
      this.client.getUsage({ path: clusterModelPath(model), query }),
    );
  }

  getUsageCsvUrl(model: ModelAddress, query: UsageQuery = {}): Promise<string> {
    return this.client.url(`${modelPath(model)}/publication/usage.csv`, query);
  }

  async downloadUsageCsv(
    model: ModelAddress,
    query: UsageQuery = {},
  ): Promise<Blob> {
    const response = await okResponse(
      this.client.getUsageCsv({ path: clusterModelPath(model), query }),
    );
    return response.blob();
  }

  getUsageSummary(
    query: { from?: string; to?: string } = {},
  ): Promise<UsageSummary> {
    return bodyOf(this.client.getUsageSummary({ query }));
  }

  getGuide(model: ModelAddress): Promise<GuideResponse> {
    return bodyOf(this.client.getGuide({ path: clusterModelPath(model) }));
  }

  listAudit(
    model: ModelAddress,
    page: { cursor?: string; limit?: number } = {},
  ): Promise<Page<AuditEntry>> {
    return bodyOf(
      this.client.listAudit({ path: clusterModelPath(model), query: page }),
    );
  }
}
