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
 * model's owners (AccessRequests), and the keys owned by consumer entities (ConsumerKeys), over the
 * same stores. Permission checks happen in the routes and actions, which call the parts directly;
 * these enforce who the requester and consumer are.
 */
export interface AccessService {
  requests: AccessRequests;
  consumerKeys: ConsumerKeys;
}

export function createAccessService(
  options: AccessServiceOptions,
): AccessService {
  return {
    requests: new AccessRequests(options),
    consumerKeys: new ConsumerKeys(options),
  };
}
