import { AccessRequests, type AccessRequestsOptions } from './AccessRequests';
import { ConsumerKeys } from './ConsumerKeys';
import type { AccessKeys } from './types';

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

  // The routes call these on the service; each is the method of the part named.
  readonly plansOf: AccessRequests['plansOf'] = (...a) =>
    this.requests.plansOf(...a);
  readonly applyPlanEdits: AccessRequests['applyPlanEdits'] = (...a) =>
    this.requests.applyPlanEdits(...a);
  readonly request: AccessRequests['request'] = (...a) =>
    this.requests.request(...a);
  readonly getRequest: AccessRequests['getRequest'] = (...a) =>
    this.requests.getRequest(...a);
  readonly decide: AccessRequests['decide'] = (...a) =>
    this.requests.decide(...a);
  readonly issue: AccessRequests['issue'] = (...a) => this.requests.issue(...a);
  readonly listRequests: AccessRequests['listRequests'] = (...a) =>
    this.requests.listRequests(...a);
  readonly listPending: AccessRequests['listPending'] = () =>
    this.requests.listPending();

  readonly consumerEntities: ConsumerKeys['consumerEntities'] = () =>
    this.consumerKeys.consumerEntities();
  readonly consumersOf: ConsumerKeys['consumersOf'] = (...a) =>
    this.consumerKeys.consumersOf(...a);
  readonly mine: ConsumerKeys['mine'] = (...a) => this.consumerKeys.mine(...a);
  readonly consumerKeyById: ConsumerKeys['consumerKeyById'] = (...a) =>
    this.consumerKeys.consumerKeyById(...a);
  readonly holds: ConsumerKeys['holds'] = (...a) =>
    this.consumerKeys.holds(...a);
  readonly rotateHeld: ConsumerKeys['rotateHeld'] = (...a) =>
    this.consumerKeys.rotateHeld(...a);
  readonly revokeHeld: ConsumerKeys['revokeHeld'] = (...a) =>
    this.consumerKeys.revokeHeld(...a);
  readonly consumerKey: ConsumerKeys['consumerKey'] = (...a) =>
    this.consumerKeys.consumerKey(...a);
  readonly manage: ConsumerKeys['manage'] = (...a) =>
    this.consumerKeys.manage(...a);
}
