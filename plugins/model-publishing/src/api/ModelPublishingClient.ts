import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  ModelPublishingApiClient,
  type ApiKeyInfo,
  type Deprecation,
  type DeprecationInput,
  type DeprecationStatus,
  type IssuedApiKey,
  type ListPublicationsQuery,
  type ModelPath,
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

/** The contract's path of a model by its cluster address. */
function pathOf(model: ModelAddress): ModelPath {
  return {
    addressedBy: 'models',
    scope: model.cluster,
    namespace: model.namespace,
    name: model.name,
  };
}

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
    return bodyOf(this.client.getModel({ path: pathOf(model) }));
  }

  dryRun(
    model: ModelAddress,
    config: PublishConfig,
    mode?: 'publish' | 'update',
  ): Promise<DryRunResult> {
    return bodyOf(
      this.client.dryRunPublication({
        path: pathOf(model),
        body: config,
        ...(mode === 'update' ? { query: { mode } } : {}),
      }),
    );
  }

  publish(model: ModelAddress, config: PublishConfig): Promise<PublishResult> {
    return bodyOf(this.client.publish({ path: pathOf(model), body: config }));
  }

  updatePublication(
    model: ModelAddress,
    config: PublishConfig,
  ): Promise<{ publication: Publication }> {
    return bodyOf(
      this.client.updatePublication({ path: pathOf(model), body: config }),
    );
  }

  unpublish(model: ModelAddress): Promise<{ publication: Publication }> {
    return bodyOf(this.client.unpublish({ path: pathOf(model) }));
  }

  tryIt(model: ModelAddress, request: TryItRequest): Promise<TryItResponse> {
    return bodyOf(
      this.client.tryPublication({ path: pathOf(model), body: request }),
    );
  }

  listKeys(model: ModelAddress): Promise<{ items: ApiKeyInfo[] }> {
    return bodyOf(this.client.listKeys({ path: pathOf(model) }));
  }

  createKey(
    model: ModelAddress,
    request: CreateKeyRequest,
  ): Promise<IssuedApiKey> {
    return bodyOf(
      this.client.createKey({ path: pathOf(model), body: request }),
    );
  }

  rotateKey(
    model: ModelAddress,
    keyId: string,
    gracePeriodHours?: number,
  ): Promise<RotatedApiKey> {
    return bodyOf(
      this.client.rotateKey({
        path: { ...pathOf(model), keyId },
        body: gracePeriodHours === undefined ? {} : { gracePeriodHours },
      }),
    );
  }

  getDeprecation(model: ModelAddress): Promise<DeprecationStatus> {
    return bodyOf(this.client.getDeprecation({ path: pathOf(model) }));
  }

  deprecate(
    model: ModelAddress,
    input: DeprecationInput,
  ): Promise<Deprecation> {
    return bodyOf(
      this.client.deprecatePublication({ path: pathOf(model), body: input }),
    );
  }

  async undeprecate(model: ModelAddress): Promise<void> {
    await okResponse(
      this.client.undeprecatePublication({ path: pathOf(model) }),
    );
  }

  updateKey(
    model: ModelAddress,
    keyId: string,
    request: UpdateKeyRequest,
  ): Promise<ApiKeyInfo> {
    return bodyOf(
      this.client.updateKey({
        path: { ...pathOf(model), keyId },
        body: request,
      }),
    );
  }

  revokeKey(model: ModelAddress, keyId: string): Promise<ApiKeyInfo> {
    return bodyOf(this.client.revokeKey({ path: { ...pathOf(model), keyId } }));
  }

  getUsage(model: ModelAddress, query: UsageQuery = {}): Promise<UsageReport> {
    return bodyOf(this.client.getUsage({ path: pathOf(model), query }));
  }

  getUsageCsvUrl(model: ModelAddress, query: UsageQuery = {}): Promise<string> {
    return this.client.url(`${modelPath(model)}/publication/usage.csv`, query);
  }

  async downloadUsageCsv(
    model: ModelAddress,
    query: UsageQuery = {},
  ): Promise<Blob> {
    const response = await okResponse(
      this.client.getUsageCsv({ path: pathOf(model), query }),
    );
    return response.blob();
  }

  getUsageSummary(
    query: { from?: string; to?: string } = {},
  ): Promise<UsageSummary> {
    return bodyOf(this.client.getUsageSummary({ query }));
  }

  getGuide(model: ModelAddress): Promise<GuideResponse> {
    return bodyOf(this.client.getGuide({ path: pathOf(model) }));
  }

  listAudit(
    model: ModelAddress,
    page: { cursor?: string; limit?: number } = {},
  ): Promise<Page<AuditEntry>> {
    return bodyOf(this.client.listAudit({ path: pathOf(model), query: page }));
  }
}
