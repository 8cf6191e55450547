import type {
  OwnedObject,
  PublicationStatus,
  PublishableModelKind,
} from '@model-publishing/plugin-model-publishing-common';

export interface PublishStep {
  kind: string;
  label: string;
  done: boolean;
  name?: string;
}

/** The objects a publication owns, in the backend's apply order (docs/design.md §3: the route goes last). */
const STEP_KINDS: Record<
  PublishableModelKind,
  { kind: string; label: string }[]
> = {
  openai: [
    { kind: 'Secret', label: 'API key secret' },
    { kind: 'Backend', label: 'Gateway backend' },
    { kind: 'AIServiceBackend', label: 'AI service backend' },
    { kind: 'SecurityPolicy', label: 'API key authentication' },
    { kind: 'BackendTrafficPolicy', label: 'Rate and token limits' },
    { kind: 'AIGatewayRoute', label: 'Route (endpoint goes live)' },
  ],
  v1: [
    { kind: 'Secret', label: 'API key secret' },
    { kind: 'SecurityPolicy', label: 'API key authentication' },
    { kind: 'BackendTrafficPolicy', label: 'Rate limits' },
    { kind: 'HTTPRoute', label: 'Route (endpoint goes live)' },
  ],
  v2: [],
};
STEP_KINDS.v2 = STEP_KINDS.v1;

/**
 * Per-step progress from the objects the publication owns so far. Publishing/updating: a step is
 * done when its object exists. Unpublishing removes in reverse, so a step is done when it is gone.
 */
export function publishSteps(
  modelKind: PublishableModelKind,
  status: PublicationStatus,
  objects: OwnedObject[],
): PublishStep[] {
  const expected = STEP_KINDS[modelKind] ?? STEP_KINDS.v1;
  const byKind = new Map(objects.map(o => [o.kind, o]));
  const steps = expected.map(step => {
    const owned = byKind.get(step.kind);
    return {
      ...step,
      name: owned?.name,
      done: status === 'unpublishing' ? !owned : !!owned,
    };
  });
  // Objects the backend created that we did not expect still show, so nothing is hidden.
  for (const object of objects) {
    if (!expected.some(step => step.kind === object.kind)) {
      steps.push({
        kind: object.kind,
        label: object.kind,
        name: object.name,
        done: status !== 'unpublishing',
      });
    }
  }
  return status === 'unpublishing' ? steps.reverse() : steps;
}

/** Index of the first step not done yet (the active one), or steps.length when all are done. */
export function activeStep(steps: PublishStep[]): number {
  const index = steps.findIndex(step => !step.done);
  return index === -1 ? steps.length : index;
}
