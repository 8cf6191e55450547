import { Link, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import useAsync from 'react-use/esm/useAsync';
import {
  Publication,
  isInferenceServiceEntity,
} from '@model-publishing/plugin-model-publishing-common';
import {
  ModelPublishingApi,
  modelPublishingApiRef,
} from '../../api/ModelPublishingApi';
import { PublicationStatusLabel } from '../common/StatusChip';
import { useEntityTabLink } from '../common/useEntityTabLink';

const TTL_MS = 30_000;
const cache = new WeakMap<
  ModelPublishingApi,
  { at: number; promise: Promise<Map<string, Publication>> }
>();

/**
 * Publications by entity ref, one list call shared by every cell of a catalog table (cached briefly),
 * so a page of 100 rows costs one request, not 100.
 */
export function publicationsByEntity(
  api: ModelPublishingApi,
  now: number = Date.now(),
): Promise<Map<string, Publication>> {
  const hit = cache.get(api);
  if (hit && now - hit.at < TTL_MS) return hit.promise;
  const promise = api
    .listPublications({ limit: 200 })
    .then(
      page =>
        new Map(
          page.items.flatMap(p => (p.entityRef ? [[p.entityRef, p]] : [])),
        ),
    );
  // A failed call must not stick in the cache.
  promise.catch(() => cache.delete(api));
  cache.set(api, { at: now, promise });
  return promise;
}

/** Publication status of one catalog row, or a Publish link for an unpublished InferenceService. */
export function PublicationStatusCell(props: { entity: Entity }) {
  const api = useApi(modelPublishingApiRef);
  const tabLink = useEntityTabLink();
  const isModel = isInferenceServiceEntity(props.entity);
  const ref = stringifyEntityRef(props.entity);
  const state = useAsync(
    async () => (isModel ? publicationsByEntity(api) : undefined),
    [api, isModel],
  );
  if (!isModel) return null;
  if (state.loading) return <span aria-busy="true">…</span>;
  if (state.error) return <span title={state.error.message}>—</span>;
  const publication = state.value?.get(ref);
  const link = tabLink(ref);
  if (publication && publication.status !== 'unpublished') {
    return <PublicationStatusLabel status={publication.status} />;
  }
  return link ? <Link to={link}>Publish</Link> : <span>Not published</span>;
}

/**
 * A column for the catalog table (old frontend system: `<CatalogIndexPage columns={…} />`) showing
 * which InferenceServices are published and offering Publish for the rest. The 1.55 new-system catalog
 * page has no column extension point, so new-system apps get the Group/System card instead.
 */
export function createPublicationStatusColumn(): TableColumn<{
  entity: Entity;
}> {
  return {
    title: 'Publication',
    render: ({ entity }) => <PublicationStatusCell entity={entity} />,
  };
}
