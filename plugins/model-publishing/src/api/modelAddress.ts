import { getInferenceServiceRef } from '@model-publishing/plugin-model-publishing-common';
import type { ModelAddress } from './types';

/** The cluster segment the backend resolves to its configured default. */
export const DEFAULT_CLUSTER = 'default';

type AnnotatedEntity = { metadata: { annotations?: Record<string, string> } };

/** The model address of an entity from its annotations; undefined when the entity is not an InferenceService. */
export function modelAddressFromEntity(
  entity: AnnotatedEntity,
): ModelAddress | undefined {
  const ref = getInferenceServiceRef(entity);
  if (!ref) return undefined;
  return {
    cluster: ref.cluster || DEFAULT_CLUSTER,
    namespace: ref.namespace,
    name: ref.name,
  };
}

/** `/models/{cluster}/{namespace}/{name}`, each segment URL-encoded. */
export function modelPath(address: ModelAddress): string {
  return `/models/${[address.cluster, address.namespace, address.name]
    .map(encodeURIComponent)
    .join('/')}`;
}

/** Stable string key for caches and React keys. */
export function modelKey(address: ModelAddress): string {
  return `${address.cluster}/${address.namespace}/${address.name}`;
}
