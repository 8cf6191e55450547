import type { CompoundEntityRef } from '@backstage/catalog-model';

export interface PublishingLinks {
  /** The entity's Publish tab: where keys are created and shown once. */
  publishTabUrl: string;
  /** The entity's Docs tab, where the generated API guide is published through TechDocs (docs/design.md §6). */
  guideUrl: string;
}

/**
 * Entity page links, built the way the catalog's entity route does (kind and namespace lower-cased,
 * each segment URL-encoded).
 */
export function publishingLinks(
  appBaseUrl: string,
  ref: CompoundEntityRef,
): PublishingLinks {
  const base = appBaseUrl.replace(/\/+$/, '');
  const entityPage = `${base}/catalog/${[
    ref.namespace.toLocaleLowerCase('en-US'),
    ref.kind.toLocaleLowerCase('en-US'),
    ref.name,
  ]
    .map(encodeURIComponent)
    .join('/')}`;
  return {
    publishTabUrl: `${entityPage}/publish`,
    guideUrl: `${entityPage}/docs`,
  };
}
