import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { InfoCard, Link } from '@backstage/core-components';
import { isLoaded, loadingView } from '../common/loadState';
import { useApi } from '@backstage/core-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CATALOG_FILTER_EXISTS,
  EntityRefLink,
  catalogApiRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ANNOTATION_INFERENCE_SERVICE,
  Publication,
  publicationCreatePermission,
  publicationUpdatePermission,
} from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import { CardEmptyState } from '../common/CardEmptyState';
import { PublicationStatusLabel } from '../common/StatusChip';
import { useEntityTabLink } from '../common/useEntityTabLink';

/** Catalog filter for the models that belong to a group (owned) or a system (part of it). */
export function relatedModelsFilter(
  entity: Entity,
): Record<string, string | symbol> {
  const ref = stringifyEntityRef(entity);
  const base = {
    [`metadata.annotations.${ANNOTATION_INFERENCE_SERVICE}`]:
      CATALOG_FILTER_EXISTS,
  };
  if (entity.kind.toLocaleLowerCase('en-US') === 'system') {
    return { ...base, 'relations.partOf': ref };
  }
  return { ...base, 'relations.ownedBy': ref };
}

/**
 * The row's link to the Publish tab, named for what the user may do there: "Publish" / "Manage" for
 * the model's owners, "View" for everyone else (the tab is read-only for them).
 */
function ModelTabLink(props: { to: string; entityRef: string; live: boolean }) {
  const permission = props.live
    ? publicationUpdatePermission
    : publicationCreatePermission;
  const { allowed, loading } = usePermission({
    permission,
    resourceRef: props.entityRef,
  });
  if (loading) return null;
  let label = 'View';
  if (allowed) label = props.live ? 'Manage' : 'Publish';
  return <Link to={props.to}>{label}</Link>;
}

/**
 * Which of a group's (or system's) InferenceServices are published, with a Publish link for the rest.
 * A card rather than a catalog-table column: the 1.55 catalog index page has no column extension
 * input in the new frontend system.
 */
export function InferenceServicesCard() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const api = useApi(modelPublishingApiRef);
  const tabLink = useEntityTabLink();

  const state = useAsync(async () => {
    const [entities, publications] = await Promise.all([
      catalogApi.getEntities({
        filter: relatedModelsFilter(entity) as any,
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'metadata.annotations',
        ],
      }),
      // Current records only: an old unpublished record must not hide a model that is live again.
      api.listPublications({ current: true, limit: 200 }),
    ]);
    const byRef = new Map<string, Publication>();
    for (const p of publications.items)
      if (p.entityRef && !byRef.has(p.entityRef)) byRef.set(p.entityRef, p);
    return entities.items.map(e => {
      const ref = stringifyEntityRef(e);
      return { entity: e, ref, publication: byRef.get(ref) };
    });
  }, [catalogApi, api, stringifyEntityRef(entity)]);

  let body: JSX.Element;
  if (state.loading || !isLoaded(state)) {
    body = loadingView(state, 'Could not load the models');
  } else if (state.value.length === 0) {
    body = <CardEmptyState title="No InferenceServices here" />;
  } else {
    body = (
      <Table size="small" aria-label="InferenceServices">
        <TableHead>
          <TableRow>
            <TableCell>Model</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Endpoint</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {state.value.map(row => {
            const live =
              row.publication && row.publication.status !== 'unpublished';
            const link = tabLink(row.ref);
            return (
              <TableRow key={row.ref}>
                <TableCell>
                  <EntityRefLink entityRef={row.entity} />
                </TableCell>
                <TableCell>
                  <PublicationStatusLabel status={row.publication?.status} />
                </TableCell>
                <TableCell>
                  {live && row.publication!.endpoints[0] ? (
                    <code style={{ wordBreak: 'break-all' }}>
                      {row.publication!.endpoints[0].url}
                    </code>
                  ) : (
                    '—'
                  )}
                </TableCell>
                <TableCell align="right">
                  {link && (
                    <ModelTabLink to={link} entityRef={row.ref} live={!!live} />
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    );
  }
  return <InfoCard title="Inference services">{body}</InfoCard>;
}
