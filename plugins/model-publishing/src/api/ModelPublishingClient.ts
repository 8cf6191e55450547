import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ApiKeyInfo,
  IssuedApiKey,
  Publication,
  PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import type { ModelPublishingApi } from './ModelPublishingApi';
import { modelPath } from './modelAddress';
import type {
  AuditEntry,
  CreateKeyRequest,
  GuideResponse,
  KubernetesObject,
  ModelAddress,
  ModelResponse,
  Page,
  PublicationFilter,
  PublishResult,
  RotatedApiKey,
  UsageQuery,
  UsageReport,
  UsageSummary,
} from './types';

type Query = Record<string, string | number | undefined>;

function queryString(query?: Query): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class ModelPublishingClient implements ModelPublishingApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  private async url(path: string, query?: Query): Promise<string> {
    const base = await this.discoveryApi.getBaseUrl('model-publishing');
    return `${base}${path}${queryString(query)}`;
  }

  private async send(
    path: string,
    init: RequestInit = {},
    query?: Query,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      ...(init.headers as Record<string, string>),
    };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.fetchApi.fetch(await this.url(path, query), {
      ...init,
      headers,
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response;
  }

  private async json<T>(
    path: string,
    init?: RequestInit,
    query?: Query,
  ): Promise<T> {
    const response = await this.send(path, init, query);
    return (await response.json()) as T;
  }

  private body(method: string, value: unknown): RequestInit {
    return { method, body: JSON.stringify(value) };
  }

  listPublications(filter: PublicationFilter = {}): Promise<Page<Publication>> {
    return this.json('/publications', undefined, { ...filter });
  }

  getModel(model: ModelAddress): Promise<ModelResponse> {
    return this.json(modelPath(model));
  }

  dryRun(
    model: ModelAddress,
    config: PublishConfig,
  ): Promise<{ objects: KubernetesObject[] }> {
    return this.json(
      `${modelPath(model)}/publication/dry-run`,
      this.body('POST', config),
    );
  }

  publish(model: ModelAddress, config: PublishConfig): Promise<PublishResult> {
    return this.json(
      `${modelPath(model)}/publication`,
      this.body('POST', config),
    );
  }

  updatePublication(
    model: ModelAddress,
    config: PublishConfig,
  ): Promise<{ publication: Publication }> {
    return this.json(
      `${modelPath(model)}/publication`,
      this.body('PUT', config),
    );
  }

  unpublish(model: ModelAddress): Promise<{ publication: Publication }> {
    return this.json(`${modelPath(model)}/publication`, { method: 'DELETE' });
  }

  listKeys(model: ModelAddress): Promise<{ items: ApiKeyInfo[] }> {
    return this.json(`${modelPath(model)}/publication/keys`);
  }

  createKey(
    model: ModelAddress,
    request: CreateKeyRequest,
  ): Promise<IssuedApiKey> {
    return this.json(
      `${modelPath(model)}/publication/keys`,
      this.body('POST', request),
    );
  }

  rotateKey(
    model: ModelAddress,
    keyId: string,
    gracePeriodHours?: number,
  ): Promise<RotatedApiKey> {
    const body = gracePeriodHours === undefined ? {} : { gracePeriodHours };
    return this.json(
      `${modelPath(model)}/publication/keys/${encodeURIComponent(
        keyId,
      )}/rotate`,
      this.body('POST', body),
    );
  }

  revokeKey(model: ModelAddress, keyId: string): Promise<ApiKeyInfo> {
    return this.json(
      `${modelPath(model)}/publication/keys/${encodeURIComponent(keyId)}`,
      {
        method: 'DELETE',
      },
    );
  }

  getUsage(model: ModelAddress, query: UsageQuery = {}): Promise<UsageReport> {
    return this.json(`${modelPath(model)}/publication/usage`, undefined, {
      ...query,
    });
  }

  getUsageCsvUrl(model: ModelAddress, query: UsageQuery = {}): Promise<string> {
    return this.url(`${modelPath(model)}/publication/usage.csv`, { ...query });
  }

  async downloadUsageCsv(
    model: ModelAddress,
    query: UsageQuery = {},
  ): Promise<Blob> {
    const response = await this.send(
      `${modelPath(model)}/publication/usage.csv`,
      undefined,
      {
        ...query,
      },
    );
    return response.blob();
  }

  getUsageSummary(
    query: { from?: string; to?: string } = {},
  ): Promise<UsageSummary> {
    return this.json('/usage/summary', undefined, { ...query });
  }

  getGuide(model: ModelAddress): Promise<GuideResponse> {
    return this.json(`${modelPath(model)}/publication/guide`);
  }

  listAudit(
    model: ModelAddress,
    page: { cursor?: string; limit?: number } = {},
  ): Promise<Page<AuditEntry>> {
    return this.json(`${modelPath(model)}/audit`, undefined, { ...page });
  }
}
