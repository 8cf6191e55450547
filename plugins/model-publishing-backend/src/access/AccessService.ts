import type {
  AccessDecisionInput,
  AccessRequest,
  AccessRequestInput,
  ConsumerKey,
  IssuedApiKey,
  Plan,
  Publication,
  RotatedApiKey,
} from '@model-publishing/plugin-model-publishing-common';
import type { ConsumerKeyRow } from './AccessStore';
import { AccessRequests, type AccessRequestsOptions } from './AccessRequests';
import { ConsumerKeys } from './ConsumerKeys';
import type {
  AccessKeys,
  AccessModel,
  Caller,
  ConsumerKeyAction,
} from './types';

export { keyLifetimeDays } from './keyIssue';
export type { Caller, ConsumerKeyAction } from './types';

export interface AccessServiceOptions extends AccessRequestsOptions {
  keys: AccessKeys;
}

/**
 * Consumers' half of publishing (docs/design.md §9): requests on a plan and their decisions by the
 * model's owners (AccessRequests), and the keys owned by consumer entities (ConsumerKeys). Permission
 * checks happen in the routes before anything here runs; these enforce who the requester and consumer are.
 */
export class AccessService {
  readonly requests: AccessRequests;
  readonly consumerKeys: ConsumerKeys;

  constructor(options: AccessServiceOptions) {
    this.requests = new AccessRequests(options);
    this.consumerKeys = new ConsumerKeys(options);
  }

  plansOf(publication: Publication): Promise<Plan[]> {
    return this.requests.plansOf(publication);
  }

  applyPlanEdits(publication: Publication): Promise<number> {
    return this.requests.applyPlanEdits(publication);
  }

  request(
    publication: Publication,
    model: AccessModel,
    input: AccessRequestInput,
    caller: Caller,
  ): Promise<{ request: AccessRequest; issued?: IssuedApiKey }> {
    return this.requests.request(publication, model, input, caller);
  }

  getRequest(id: string): Promise<AccessRequest> {
    return this.requests.getRequest(id);
  }

  decide(
    request: AccessRequest,
    model: AccessModel,
    decision: AccessDecisionInput,
    caller: Caller,
  ): Promise<AccessRequest> {
    return this.requests.decide(request, model, decision, caller);
  }

  issue(
    requestId: string,
    model: AccessModel,
    caller: Caller,
    options: { maxLifetimeMs?: number } = {},
  ): Promise<{ request: AccessRequest; issued: IssuedApiKey }> {
    return this.requests.issue(requestId, model, caller, options);
  }

  listRequests(
    publicationId: string,
    status?: AccessRequest['status'],
  ): Promise<AccessRequest[]> {
    return this.requests.listRequests(publicationId, status);
  }

  listPending(): Promise<AccessRequest[]> {
    return this.requests.listPending();
  }

  consumerEntities(): Promise<Map<string, string[]>> {
    return this.consumerKeys.consumerEntities();
  }

  consumersOf(publicationId: string): Promise<ConsumerKey[]> {
    return this.consumerKeys.consumersOf(publicationId);
  }

  mine(
    userRef: string,
  ): Promise<{ keys: ConsumerKey[]; requests: AccessRequest[] }> {
    return this.consumerKeys.mine(userRef);
  }

  consumerKeyById(keyId: string): Promise<ConsumerKey> {
    return this.consumerKeys.consumerKeyById(keyId);
  }

  holds(
    userRef: string,
    key: Pick<ConsumerKey, 'consumerRef'>,
  ): Promise<boolean> {
    return this.consumerKeys.holds(userRef, key);
  }

  rotateHeld(
    key: ConsumerKey,
    gracePeriodHours: number | undefined,
    caller: Caller,
  ): Promise<RotatedApiKey> {
    return this.consumerKeys.rotateHeld(key, gracePeriodHours, caller);
  }

  revokeHeld(key: ConsumerKey, caller: Caller): Promise<ConsumerKey> {
    return this.consumerKeys.revokeHeld(key, caller);
  }

  consumerKey(publicationId: string, keyId: string): Promise<ConsumerKeyRow> {
    return this.consumerKeys.consumerKey(publicationId, keyId);
  }

  manage(
    publicationId: string,
    keyId: string,
    action: ConsumerKeyAction,
    model: AccessModel,
    caller: Caller,
  ): Promise<void> {
    return this.consumerKeys.manage(
      publicationId,
      keyId,
      action,
      model,
      caller,
    );
  }
}
