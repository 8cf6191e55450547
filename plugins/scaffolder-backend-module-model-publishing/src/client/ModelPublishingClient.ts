import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  entityModelPath,
  ModelPublishingApiClient,
  MODEL_PUBLISHING_PLUGIN_ID,
  type AccessRequest,
  type KubernetesObject,
  type ModelPath,
  type ModelResponse,
  type Publication,
  type PublishConfig,
  type RequestOptions,
  type TypedResponse,
} from '@model-publishing/plugin-model-publishing-common';
import {
  BackendFailure,
  Operation,
  toActionError,
  unreachableError,
  unreadableResponseError,
} from './errors';

/** Kubernetes objects as the dry-run route returns them; we only ever read kind and name. */
export type PreviewObject = KubernetesObject;
export type { AccessRequest };

export type ModelView = ModelResponse;

export { MODEL_PUBLISHING_PLUGIN_ID };

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
    return this.request('read', credentials, ref, (api, path, options) =>
      api.getModel({ path }, options),
    );
  }

  async dryRunPublish(
    credentials: BackstageCredentials,
    ref: CompoundEntityRef,
    config: PublishConfig,
  ): Promise<{ objects: PreviewObject[] }> {
    return this.request('publish', credentials, ref, (api, path, options) =>
      api.dryRunPublication({ path, body: config }, options),
    );
  }

  /** The response may carry a raw key; only the publication is returned so it cannot travel further. */
  async publish(
    credentials: BackstageCredentials,
    ref: CompoundEntityRef,
    config: PublishConfig,
  ): Promise<{ publication: Publication; issuedKeyId?: string }> {
    const body = await this.request(
      'publish',
      credentials,
      ref,
      (api, path, options) => api.publish({ path, body: config }, options),
    );
    return { publication: body.publication, issuedKeyId: body.key?.key?.id };
  }

  async update(
    credentials: BackstageCredentials,
    ref: CompoundEntityRef,
    config: PublishConfig,
  ): Promise<{ publication: Publication }> {
    return this.request('update', credentials, ref, (api, path, options) =>
      api.updatePublication({ path, body: config }, options),
    );
  }

  async unpublish(
    credentials: BackstageCredentials,
    ref: CompoundEntityRef,
  ): Promise<{ publication: Publication }> {
    return this.request('unpublish', credentials, ref, (api, path, options) =>
      api.unpublish({ path }, options),
    );
  }

  /**
   * Requests access for the initiator. Always with `collectLater`: the key is never in this response (a
   * task's output is stored), the requester collects it once on the My model access page.
   */
  async requestAccess(
    credentials: BackstageCredentials,
    ref: CompoundEntityRef,
    input: { plan: string; purpose: string; consumer: string },
  ): Promise<AccessRequest> {
    const body = await this.request(
      'request',
      credentials,
      ref,
      (api, path, options) =>
        api.requestAccess(
          { path, body: { ...input, collectLater: true } },
          options,
        ),
    );
    return body.request;
  }

  private async request<T>(
    operation: Operation,
    credentials: BackstageCredentials,
    ref: CompoundEntityRef,
    /** Makes the call with the model's entity address. */
    call: (
      api: ModelPublishingApiClient,
      path: ModelPath,
      options: RequestOptions,
    ) => Promise<TypedResponse<T>>,
  ): Promise<T> {
    const entityRef = stringifyEntityRef(ref);
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: MODEL_PUBLISHING_PLUGIN_ID,
    });
    const doFetch = this.deps.fetch ?? fetch;
    // The URL the generated client called, for error messages.
    let url = '';
    const api = new ModelPublishingApiClient({
      discoveryApi: this.deps.discovery,
      fetchApi: {
        fetch: (input, init) => {
          url = String(input);
          return doFetch(input, init);
        },
      },
    });

    // A connection that breaks while the body is read is as unreachable as one refused outright.
    let response: TypedResponse<T>;
    let text: string;
    try {
      response = await call(api, entityModelPath(ref), { token });
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
