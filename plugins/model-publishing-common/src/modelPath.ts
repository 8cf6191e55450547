import type { ModelPath } from './generated';

/** A model's address in the routes by its catalog entity: `/entities/{kind}/{namespace}/{name}`. */
export function entityModelPath(entity: {
  kind: string;
  namespace: string;
  name: string;
}): ModelPath {
  const { kind, namespace, name } = entity;
  return { addressedBy: 'entities', scope: kind, namespace, name };
}

/** A model's address in the routes by where it runs: `/models/{cluster}/{namespace}/{name}`. */
export function clusterModelPath(model: {
  cluster: string;
  namespace: string;
  name: string;
}): ModelPath {
  const { cluster, namespace, name } = model;
  return { addressedBy: 'models', scope: cluster, namespace, name };
}
