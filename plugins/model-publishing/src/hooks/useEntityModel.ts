import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { modelAddressFromEntity } from '../api/modelAddress';
import type { ModelAddress } from '../api/types';

/** A model as the entity pages know it: its cluster address and its catalog entity. */
export interface EntityModel {
  address: ModelAddress;
  entityRef: string;
}

/** The entity in context as a model; undefined when it has no valid InferenceService annotation. */
export function useEntityModel(): EntityModel | undefined {
  const { entity } = useEntity();
  const address = modelAddressFromEntity(entity);
  return address && { address, entityRef: stringifyEntityRef(entity) };
}
