import type { ApiEntityV1alpha1 } from '@backstage/catalog-model';
import type {
  Publication,
  PublicationStatus,
} from '@model-publishing/plugin-model-publishing-common';
import {
  ANNOTATION_CLUSTER,
  ANNOTATION_CONSUMERS,
  ANNOTATION_PUBLICATION_ID,
  ANNOTATION_PUBLISHED_MODEL,
} from '../constants';
import type { ModelComponent } from './componentEntities';
import { toEntityName } from './entityNames';

/** Publications whose endpoint is live: these get an API entity. */
const LIVE: ReadonlySet<PublicationStatus> = new Set([
  'published',
  'updating',
  'degraded',
]);

export function isLivePublication(publication: Publication): boolean {
  return LIVE.has(publication.status);
}

export function apiEntityName(componentName: string): string {
  return toEntityName(`${componentName}-api`);
}

/** Used when the generated document could not be fetched yet; still valid OpenAPI, with the servers. */
export function placeholderOpenApi(publication: Publication): object {
  return {
    openapi: '3.0.3',
    info: {
      title: `${publication.namespace}/${publication.name}`,
      version: publication.updatedAt,
      description:
        'The generated document for this endpoint could not be fetched; it appears on the next refresh.',
    },
    servers: publication.endpoints.map(e => ({
      url: e.url,
      description: e.description,
    })),
    paths: {},
  };
}

/**
 * The API entity of one live publication (pure). Owner and system are the model Component's, so the
 * API lands with the team that owns the model; lifecycle is `production` because the endpoint is live.
 */
export function publicationToApiEntity(options: {
  publication: Publication;
  component: ModelComponent;
  openapi: object;
  cluster: string;
  locationKey: string;
  /** Entities holding live keys of the publication (consumesApi relations, via the consumers processor). */
  consumers?: string[];
}): ApiEntityV1alpha1 {
  const { publication, component, openapi, cluster, locationKey } = options;
  const model = component.entity;
  const description =
    publication.config.description ??
    `Published endpoint of the ${
      publication.modelKind === 'openai' ? 'OpenAI-compatible ' : ''
    }model ${publication.namespace}/${publication.name}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name: apiEntityName(model.metadata.name),
      namespace: 'default',
      title: `${model.metadata.title ?? model.metadata.name} API`,
      description,
      annotations: {
        'backstage.io/managed-by-location': locationKey,
        'backstage.io/managed-by-origin-location': locationKey,
        [ANNOTATION_PUBLICATION_ID]: publication.id,
        [ANNOTATION_PUBLISHED_MODEL]: `${cluster}/${publication.namespace}/${publication.name}`,
        [ANNOTATION_CLUSTER]: cluster,
        ...(options.consumers?.length
          ? { [ANNOTATION_CONSUMERS]: options.consumers.join(',') }
          : {}),
      },
      tags: ['model-publishing', publication.modelKind],
      links: publication.endpoints.map(e => ({
        url: e.url,
        title: e.description || e.url,
      })),
    },
    spec: {
      type: 'openapi',
      lifecycle: 'production',
      owner: model.spec.owner,
      ...(model.spec.system ? { system: model.spec.system } : {}),
      definition: JSON.stringify(openapi, null, 2),
    },
  };
}
