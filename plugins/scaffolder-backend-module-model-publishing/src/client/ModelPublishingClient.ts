import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type {
  PublishConfig,
  Publication,
} from '@model-publishing/plugin-model-publishing-common';
import {
  BackendFailure,
  Operation,
  toActionError,
  unreachableError,
  unreadableResponseError,
} from './errors';

/** Kubernetes objects as the dry-run route returns them; we only ever read kind and name. */
export interface PreviewObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string };
}

export interface ModelView {
  model: { ready: boolean; readyMessage?: string; [key: string]: unknown };
  publication?: Publication;
}

/** Target plugin id of the backend we call (design §1). */
export const MODEL_PUBLISHING_PLUGIN_ID = 'model-publishing';

/** `/entities/{kind}/{namespace}/{name}` — the contract's entity address of a model. */
export function entityAddress(ref: CompoundEntityRef): string {
  return `/entities/${[ref.kind, ref.namespace, ref.name]
    .map(encodeURIComponent)
    .join('/')}`;
}

/**
 * Calls the model-publishing backend on behalf of the person running the template: every request
 * carries a token minted from the initiator's credentials, so the backend applies that person's
 * permissions — never the scaffolder's own.
 */
export class ModelPublishingClient {
  constructor(
    private readonly deps: {
      auth: AuthService;
      discovery: DiscoveryService;
      fetch?: typeof fetch;
    },
  ) {}

  async getModel(
    credentials: BackstageCredentials,
    ref: CompoundEntityRef,
  ): Promise<ModelView> {
    return this.request<ModelView>('read', credentials, ref, 'GET', '');
  }

  async dryRunPublish(
    credentials: BackstageCredentials,
    ref: CompoundEntityRef,
    config: PublishConfig,
  ): Promise<{ objects: PreviewObject[] }> {
    return this.request(
      'publish',
      credentials,
      ref,
      'POST',
      '/publication/dry-run',
      config,
    );
  }

  /** The response may carry a raw key; only the publication is returned so it cannot travel further. */
  async publish(
    credentials: BackstageCredentials,
    ref: CompoundEntityRef,
    config: PublishConfig,
  ): Promise<{ publication: Publication; issuedKeyId?: string }> {
    const body = await this.request<{
      publication: Publication;
      key?: { key?: { id?: string } };
    }>('publish', credentials, ref, 'POST', '/publication', config);
    return { publication: body.publication, issuedKeyId: body.key?.key?.id };
  }

  async update(
    credentials: BackstageCredentials,
    ref: CompoundEntityRef,
    config: PublishConfig,
  ): Promise<{ publication: Publication }> {
    return this.request(
      'update',
      credentials,
      ref,
      'PUT',
      '/publication',
      config,
    );
  }

  async unpublish(
    credentials: BackstageCredentials,
    ref: CompoundEntityRef,
  ): Promise<{ publication: Publication }> {
    return this.request(
      'unpublish',
      credentials,
      ref,
      'DELETE',
      '/publication',
    );
  }

  private async request<T>(
    operation: Operation,
    credentials: BackstageCredentials,
    ref: CompoundEntityRef,
    method: string,
    suffix: string,
    body?: unknown,
  ): Promise<T> {
    const entityRef = stringifyEntityRef(ref);
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: MODEL_PUBLISHING_PLUGIN_ID,
    });
    const baseUrl = await this.deps.discovery.getBaseUrl(
      MODEL_PUBLISHING_PLUGIN_ID,
    );
    const url = `${baseUrl}${entityAddress(ref)}${suffix}`;
    const doFetch = this.deps.fetch ?? fetch;

    // A connection that breaks while the body is read is as unreachable as one refused outright.
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      text = await response.text();
    } catch (error) {
      throw unreachableError(operation, entityRef, url, error);
    }

    if (!response.ok) {
      throw toActionError(operation, entityRef, response.status, {
        ...backendFailureOf(text),
        url,
      });
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw unreadableResponseError(
        operation,
        entityRef,
        url,
        response.status,
        response.headers.get('content-type'),
      );
    }
  }
}

/** Backstage's standard error body is `{ error: { name, message } }`; anything else is shown as-is (shortened). */
function backendFailureOf(text: string): Omit<BackendFailure, 'url'> {
  try {
    const error = JSON.parse(text)?.error;
    if (typeof error?.message === 'string') {
      return {
        message: error.message,
        name: typeof error.name === 'string' ? error.name : undefined,
      };
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return { message: text ? text.slice(0, 500) : undefined };
}
