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
 *
 * The ref is a `url:` (the model's Publish tab, where the guide comes from), not `dir:.`: TechDocs'
 * entity-metadata route resolves a `dir:` ref against the entity's location, and ours
 * (`model-publishing:<cluster>`) is not a URL or file, so the Docs tab would answer 404.
 */
export function withExternalTechDocs<T extends Entity>(
  entity: T,
  appBaseUrl = '',
): T {
  const { namespace = 'default', name } = entity.metadata;
  const publishTab = `${appBaseUrl.replace(
    /\/+$/,
    '',
  )}/catalog/${namespace}/${entity.kind.toLowerCase()}/${name}/publish`;
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: {
        ...entity.metadata.annotations,
        [ANNOTATION_TECHDOCS_REF]: `url:${publishTab}`,
        [ANNOTATION_TECHDOCS_BUILDER]: TECHDOCS_BUILDER_EXTERNAL,
      },
    },
  };
}
