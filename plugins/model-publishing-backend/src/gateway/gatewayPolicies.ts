import { ConflictError } from '@backstage/errors';
import {
  LABEL_MANAGED_BY,
  LABEL_PUBLICATION,
  MANAGED_BY_VALUE,
} from '@model-publishing/plugin-model-publishing-common';
import { GATEWAY_API_GROUP, objectName } from './names';
import type { GatewaySettings, KubeObject } from './types';
import { policyTargetRefs } from '../kubernetes/readers';

/** The policy kinds a publication creates one of per route, and which Envoy Gateway merges by `mergeType`. */
export const MERGEABLE_POLICY_KINDS = [
  'SecurityPolicy',
  'BackendTrafficPolicy',
] as const;
export type MergeablePolicyKind = (typeof MERGEABLE_POLICY_KINDS)[number];

/** What the dry run says about other policies around the publication's route. */
export interface PolicyReview {
  /** Kinds whose Gateway-level policy exists: our route policy sets `mergeType: StrategicMerge`. */
  mergeWithGateway: Partial<Record<MergeablePolicyKind, boolean>>;
  /** One line per policy found: what of it will apply to the route, and what will not. */
  notes: string[];
}

const refName = (o: KubeObject) =>
  `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;

/**
 * Reviews the SecurityPolicies and BackendTrafficPolicies that target the publication's Gateway or
 * its route, as Envoy Gateway applies them (v1.8/v1.9, internal/gatewayapi/securitypolicy.go and
 * backendtrafficpolicy.go): for one route only the most specific policy of a kind takes effect (a
 * route policy replaces the Gateway's) unless the route policy sets `mergeType`, which merges it into
 * the Gateway's; two route policies of one kind conflict (the older wins).
 *
 * - A policy of another owner already targeting our route is refused (409): ours would conflict
 *   with it and one of the two would silently not apply.
 * - A Gateway-level policy (whole Gateway, or our listener) is merged with ours
 *   (`mergeType: StrategicMerge`): its settings apply except the fields ours sets, which ours replaces.
 */
export function reviewGatewayPolicies(input: {
  namespace: string;
  isvcName: string;
  publicationId?: string;
  gateway: GatewaySettings;
  /** SecurityPolicies and BackendTrafficPolicies of the route's and the Gateway's namespaces. */
  policies: KubeObject[];
  /** Our own route policies as built, to say which fields ours replaces. */
  ours: KubeObject[];
}): PolicyReview {
  const route = objectName(input.isvcName);
  const review: PolicyReview = { mergeWithGateway: {}, notes: [] };
  const oursByKind = new Map(input.ours.map(o => [o.kind, o]));
  for (const policy of input.policies) {
    const kind = policy.kind as MergeablePolicyKind;
    if (!MERGEABLE_POLICY_KINDS.includes(kind)) continue;
    const labels = policy.metadata.labels ?? {};
    const mine =
      labels[LABEL_MANAGED_BY] === MANAGED_BY_VALUE &&
      (!input.publicationId ||
        labels[LABEL_PUBLICATION] === input.publicationId) &&
      policy.metadata.name === route;
    if (mine) continue;
    const refs = policyTargetRefs(policy);
    const onRoute = refs.some(
      r =>
        policy.metadata.namespace === input.namespace &&
        (r.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP &&
        r.kind === 'HTTPRoute' &&
        r.name === route,
    );
    if (onRoute) {
      throw new ConflictError(
        `${refName(policy)} already targets HTTPRoute ${
          input.namespace
        }/${route}, the route this publication creates, and is not managed by it: Envoy Gateway applies one ${kind} per route (the older one wins), so either it or the publication's own would silently not apply. Remove it or point it elsewhere, then publish again`,
      );
    }
    const onGateway = refs.find(
      r =>
        policy.metadata.namespace === input.gateway.namespace &&
        (r.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP &&
        r.kind === 'Gateway' &&
        r.name === input.gateway.name &&
        (!r.sectionName ||
          !input.gateway.sectionName ||
          r.sectionName === input.gateway.sectionName),
    );
    if (!onGateway) continue;
    review.mergeWithGateway[kind] = true;
    const own = Object.keys(oursByKind.get(kind)?.spec ?? {}).filter(
      k => k !== 'targetRefs' && k !== 'mergeType',
    );
    const theirs = Object.keys(policy.spec ?? {}).filter(
      k => k !== 'targetRefs' && k !== 'targetRef' && k !== 'targetSelectors',
    );
    const kept = theirs.filter(k => !own.includes(k));
    const replaced = theirs.filter(k => own.includes(k));
    review.notes.push(
      `${refName(policy)} targets the Gateway${
        onGateway.sectionName ? ` listener ${onGateway.sectionName}` : ''
      }: merged into the publication's ${kind} (mergeType StrategicMerge); applies as it is: ${
        kept.join(', ') || 'nothing'
      }; set by both (merged field by field, the publication's values win, lists replaced): ${
        replaced.join(', ') || 'nothing'
      }`,
    );
  }
  return review;
}
