import {
  createApiRef,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { bodyOf, itemsOf } from './generatedClient';
import {
  ModelPublishingApiClient,
  entityModelPath,
  type AccessDecision,
  type AccessRequest,
  type AccessRequestResult,
  type ConsumerKey,
  type ModelPath,
  type MyAccess,
  type NewAccessRequest,
  type Plan,
  type RotatedApiKey,
  type UsageReport,
} from '@model-publishing/plugin-model-publishing-common';

/** Consumers' side of the API (docs/design.md §9): plans, access requests, decisions, consumer keys. */
export interface ModelAccessApi {
  listPlans(entityRef: string): Promise<Plan[]>;
  requestAccess(
    entityRef: string,
    request: NewAccessRequest,
  ): Promise<AccessRequestResult>;
  listAccessRequests(entityRef: string): Promise<AccessRequest[]>;
  listConsumers(entityRef: string): Promise<ConsumerKey[]>;
  manageConsumerKey(
    entityRef: string,
    keyId: string,
    action: 'suspend' | 'resume' | 'revoke',
  ): Promise<ConsumerKey>;
  getMyModelAccess(entityRef: string): Promise<MyAccess>;
  getMyAccess(): Promise<MyAccess>;
  listRequestsToDecide(): Promise<AccessRequest[]>;
  decide(requestId: string, decision: AccessDecision): Promise<AccessRequest>;
  collectKey(requestId: string): Promise<AccessRequestResult>;
  /** The holder's own key: rotate (new key shown once), revoke, and its usage (this key's only). */
  rotateMyKey(keyId: string, gracePeriodHours: number): Promise<RotatedApiKey>;
  revokeMyKey(keyId: string): Promise<ConsumerKey>;
  getMyKeyUsage(
    keyId: string,
    range?: { from?: string; to?: string; granularity?: 'hour' | 'day' },
  ): Promise<UsageReport>;
}

export const modelAccessApiRef = createApiRef<ModelAccessApi>({
  id: 'plugin.model-publishing.access',
});

function entityPath(entityRef: string): ModelPath {
  const ref = parseEntityRef(entityRef);
  return entityModelPath({
    ...ref,
    kind: ref.kind.toLocaleLowerCase('en-US'),
  });
}

/** ModelAccessApi over the generated client, addressing models by their catalog entity. */
export class ModelAccessClient implements ModelAccessApi {
  private readonly client: ModelPublishingApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.client = new ModelPublishingApiClient(options);
  }

  listPlans(entityRef: string) {
    return itemsOf(this.client.listPlans({ path: entityPath(entityRef) }));
  }
  requestAccess(entityRef: string, body: NewAccessRequest) {
    return bodyOf(
      this.client.requestAccess({ path: entityPath(entityRef), body }),
    );
  }
  listAccessRequests(entityRef: string) {
    return itemsOf(
      this.client.listAccessRequests({
        path: entityPath(entityRef),
        query: {},
      }),
    );
  }
  listConsumers(entityRef: string) {
    return itemsOf(this.client.listConsumers({ path: entityPath(entityRef) }));
  }
  manageConsumerKey(
    entityRef: string,
    keyId: string,
    action: 'suspend' | 'resume' | 'revoke',
  ) {
    return bodyOf(
      this.client.manageConsumerKey({
        path: { ...entityPath(entityRef), keyId, action },
      }),
    );
  }
  getMyModelAccess(entityRef: string) {
    return bodyOf(
      this.client.getMyModelAccess({ path: entityPath(entityRef) }),
    );
  }
  getMyAccess() {
    return bodyOf(this.client.getMyAccess());
  }
  listRequestsToDecide() {
    return itemsOf(this.client.listRequestsToDecide());
  }
  decide(requestId: string, body: AccessDecision) {
    return bodyOf(
      this.client.decideAccessRequest({ path: { requestId }, body }),
    );
  }
  collectKey(requestId: string) {
    return bodyOf(this.client.collectAccessKey({ path: { requestId } }));
  }
  rotateMyKey(keyId: string, gracePeriodHours: number) {
    return bodyOf(
      this.client.rotateMyKey({ path: { keyId }, body: { gracePeriodHours } }),
    );
  }
  revokeMyKey(keyId: string) {
    return bodyOf(this.client.revokeMyKey({ path: { keyId } }));
  }
  getMyKeyUsage(
    keyId: string,
    range: { from?: string; to?: string; granularity?: 'hour' | 'day' } = {},
  ) {
    return bodyOf(this.client.getMyKeyUsage({ path: { keyId }, query: range }));
  }
}
