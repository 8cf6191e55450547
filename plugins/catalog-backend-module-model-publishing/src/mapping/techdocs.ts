import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_TECHDOCS_BUILDER,
  ANNOTATION_TECHDOCS_REF,
  TECHDOCS_BUILDER_EXTERNAL,
} from '../constants';

/**
 * Marks a published model's Component as having TechDocs that are built elsewhere: the model-publishing
 * backend generates the guide site and publishes it for this entity on every publish and update. Only
 * published models get it, so an unpublished model's Docs tab shows TechDocs' own empty state instead of
 * a site that no one writes. Pure: returns a new entity.
 */
export function withExternalTechDocs<T extends Entity>(entity: T): T {
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: {
        ...entity.metadata.annotations,
        [ANNOTATION_TECHDOCS_REF]: 'dir:.',
        [ANNOTATION_TECHDOCS_BUILDER]: TECHDOCS_BUILDER_EXTERNAL,
      },
    },
  };
}
