import type { ModelPath } from './generated';

type Named = { namespace: string; name: string };

function modelPath(
  addressedBy: ModelPath['addressedBy'],
  scope: string,
  { namespace, name }: Named,
): ModelPath {
  return { addressedBy, scope, namespace, name };
}

/** A model's address in the routes by its catalog entity: `/entities/{kind}/{namespace}/{name}`. */
export const entityModelPath = (entity: Named & { kind: string }) =>
  modelPath('entities', entity.kind, entity);

/** A model's address in the routes by where it runs: `/models/{cluster}/{namespace}/{name}`. */
export const clusterModelPath = (model: Named & { cluster: string }) =>
  modelPath('models', model.cluster, model);
