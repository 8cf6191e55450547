import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';

/** Builds links to an entity's Publish tab; undefined when the catalog's entity route is not mounted. */
export function useEntityTabLink(): (
  entityRef: string,
  tab?: string,
) => string | undefined {
  let entityRoute:
    | ((params: { kind: string; namespace: string; name: string }) => string)
    | undefined;
  try {
    // eslint-disable-next-line react-hooks/rules-of-hooks -- the ref is constant, so the call order is too
    entityRoute = useRouteRef(entityRouteRef);
  } catch {
    entityRoute = undefined;
  }
  return (entityRef, tab = 'publish') => {
    if (!entityRoute) return undefined;
    const ref = parseEntityRef(entityRef);
    const base = entityRoute({
      kind: ref.kind.toLocaleLowerCase('en-US'),
      namespace: ref.namespace.toLocaleLowerCase('en-US'),
      name: ref.name,
    });
    return tab ? `${base}/${tab}` : base;
  };
}
