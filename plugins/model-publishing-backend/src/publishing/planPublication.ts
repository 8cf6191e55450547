import { ConflictError } from '@backstage/errors';
import {
  buildPublicationObjects,
  MERGEABLE_POLICY_KINDS,
  nameCollision,
  publicationEndpoints,
  reviewGatewayPolicies,
} from '../gateway';
import { resolveUpstream } from '../gateway/upstream';
import type {
  BuildInput,
  KubeObject,
  PublicationEndpoint,
} from '../gateway/types';
import type { ServingContext } from './ServingContextReader';

export interface PublicationPlan {
  objects: KubeObject[];
  endpoints: PublicationEndpoint[];
  /** What was decided from what (upstream, policies around the route, facts not readable): the dry run's notes. */
  notes: string[];
}

const isMergeable = (o: KubeObject) =>
  (MERGEABLE_POLICY_KINDS as readonly string[]).includes(o.kind);

/**
 * The objects of a publication decided from the model and its serving context: the upstream from how
 * KServe serves it, `mergeType` where a Gateway-level policy of the kind exists. Refuses (409) a model
 * whose names another model's routes already use, when `creating`, and a foreign policy on our route.
 */
export function planPublication(
  input: Omit<BuildInput, 'serving' | 'mergeWithGateway'>,
  context: ServingContext | undefined,
  options: { creating: boolean },
): PublicationPlan {
  if (!context) {
    return {
      objects: buildPublicationObjects(input),
      endpoints: publicationEndpoints(input),
      notes: [],
    };
  }
  const { isvc } = input;
  if (options.creating) {
    const collision = nameCollision(isvc, context.namespaceModels);
    if (collision) throw new ConflictError(collision);
  }
  const withServing: BuildInput = { ...input, serving: context.serving };
  const review = reviewGatewayPolicies({
    namespace: isvc.metadata.namespace!,
    isvcName: isvc.metadata.name,
    publicationId: input.publicationId,
    gateway: input.gateway,
    policies: context.policies,
    ours: buildPublicationObjects(withServing).filter(isMergeable),
  });
  const full: BuildInput = {
    ...withServing,
    mergeWithGateway: review.mergeWithGateway,
  };
  return {
    objects: buildPublicationObjects(full),
    endpoints: publicationEndpoints(full) as PublicationEndpoint[],
    notes: [
      ...resolveUpstream(isvc, context.serving).notes,
      ...review.notes,
      ...context.unread.map(u => `not read, decided without it: ${u}`),
    ],
  };
}
