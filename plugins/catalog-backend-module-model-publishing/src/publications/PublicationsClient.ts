import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';

export const MODEL_PUBLISHING_PLUGIN_ID = 'model-publishing';

/** What the provider needs from the model-publishing backend. */
export interface PublicationsSource {
  listPublications(): Promise<Publication[]>;
  /** The generated OpenAPI document of a publication (`{m}/publication/guide`). */
  getOpenApi(publication: Publication): Promise<object>;
}

const PAGE_LIMIT = 100;
/** Guards against a backend that keeps returning a cursor. */
const MAX_PAGES = 1000;

/** Calls the model-publishing backend (contract: BACKEND-CONTRACT.md) with the catalog's own service credentials. */
export class PublicationsClient implements PublicationsSource {
  constructor(
    private readonly deps: {
      auth: AuthService;
      discovery: DiscoveryService;
      fetch?: typeof fetch;
      timeoutMs?: number;
    },
  ) {}

  async listPublications(): Promise<Publication[]> {
    const items: Publication[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({ limit: String(PAGE_LIMIT) });
      if (cursor) query.set('cursor', cursor);
      const body = (await this.get(`/publications?${query}`)) as {
        items?: Publication[];
        nextCursor?: string;
      };
      items.push(...(body.items ?? []));
      cursor = body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error(`GET /publications returned more than ${MAX_PAGES} pages`);
  }

  async getOpenApi(publication: Publication): Promise<object> {
    const path = [
      'models',
      publication.cluster,
      publication.namespace,
      publication.name,
    ]
      .map(encodeURIComponent)
      .join('/');
    const body = (await this.get(`/${path}/publication/guide`)) as {
      openapi?: unknown;
    };
    if (!body.openapi || typeof body.openapi !== 'object') {
      throw new Error(
        `guide of ${publication.namespace}/${publication.name} has no openapi document`,
      );
    }
    return body.openapi;
  }

  private async get(path: string): Promise<unknown> {
    const { auth, discovery } = this.deps;
    const baseUrl = await discovery.getBaseUrl(MODEL_PUBLISHING_PLUGIN_ID);
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: MODEL_PUBLISHING_PLUGIN_ID,
    });
    const doFetch = this.deps.fetch ?? fetch;
    const response = await doFetch(`${baseUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(this.deps.timeoutMs ?? 15_000),
    });
    if (!response.ok) {
      // The token never appears here; the body is Backstage's error JSON at most.
      const text = await response.text().catch(() => '');
      throw new Error(
        `GET ${path} failed with ${response.status} ${response.statusText}${
          text ? `: ${text.slice(0, 300)}` : ''
        }`,
      );
    }
    return response.json();
  }
}
