import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  clusterModelPath,
  ModelPublishingApiClient,
  MODEL_PUBLISHING_PLUGIN_ID,
  type Publication,
  type RequestOptions,
  type TypedResponse,
} from '@model-publishing/plugin-model-publishing-common';

export { MODEL_PUBLISHING_PLUGIN_ID };

/** What the provider needs from the model-publishing backend. */
export interface PublicationsSource {
  listPublications(): Promise<Publication[]>;
  /** The generated OpenAPI document of a publication (`{m}/publication/guide`). */
  getOpenApi(publication: Publication): Promise<object>;
  /** Consumer entity refs with live keys, per publication id (`GET /access/consumers`). */
  listConsumerEntities?(): Promise<Map<string, string[]>>;
}

const PAGE_LIMIT = 100;
/** Guards against a backend that keeps returning a cursor. */
const MAX_PAGES = 1000;

/** Calls the model-publishing backend (openapi.yaml, through its generated client) with the catalog's own service credentials. */
export class PublicationsClient implements PublicationsSource {
  private readonly api: ModelPublishingApiClient;

  constructor(
    private readonly deps: {
      auth: AuthService;
      discovery: DiscoveryService;
      fetch?: typeof fetch;
      timeoutMs?: number;
    },
  ) {
    const doFetch = deps.fetch ?? fetch;
    this.api = new ModelPublishingApiClient({
      discoveryApi: deps.discovery,
      fetchApi: {
        fetch: (input, init) =>
          doFetch(input, {
            ...init,
            headers: { ...init?.headers, Accept: 'application/json' },
            signal: AbortSignal.timeout(deps.timeoutMs ?? 15_000),
          }),
      },
    });
  }

  async listPublications(): Promise<Publication[]> {
    const items: Publication[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = { limit: PAGE_LIMIT, ...(cursor ? { cursor } : {}) };
      const body = await this.get('GET /publications', options =>
        this.api.listPublications({ query }, options),
      );
      items.push(...(body.items ?? []));
      cursor = body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error(`GET /publications returned more than ${MAX_PAGES} pages`);
  }

  async getOpenApi(publication: Publication): Promise<object> {
    const path = clusterModelPath(publication);
    const body = await this.get(
      `GET /models/${path.scope}/${path.namespace}/${path.name}/publication/guide`,
      options => this.api.getGuide({ path }, options),
    );
    if (!body.openapi || typeof body.openapi !== 'object') {
      throw new Error(
        `guide of ${publication.namespace}/${publication.name} has no openapi document`,
      );
    }
    return body.openapi;
  }

  async listConsumerEntities(): Promise<Map<string, string[]>> {
    const body = await this.get('GET /access/consumers', options =>
      this.api.listConsumerEntities({}, options),
    );
    return new Map(body.items.map(i => [i.publicationId, i.consumerRefs]));
  }

  private async get<T>(
    what: string,
    call: (options: RequestOptions) => Promise<TypedResponse<T>>,
  ): Promise<T> {
    const { auth } = this.deps;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: MODEL_PUBLISHING_PLUGIN_ID,
    });
    const response = await call({ token });
    if (!response.ok) {
      // The token never appears here; the body is Backstage's error JSON at most.
      const text = await response.text().catch(() => '');
      throw new Error(
        `${what} failed with ${response.status} ${response.statusText}${
          text ? `: ${text.slice(0, 300)}` : ''
        }`,
      );
    }
    return response.json();
  }
}
