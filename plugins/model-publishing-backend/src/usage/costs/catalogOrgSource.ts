import type { AuthService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { OrgSource } from './ChargebackService';

/** The org graph's entities from the catalog: users, groups, components, systems and domains. */
export function catalogOrgSource(
  catalog: CatalogService,
  auth: AuthService,
): OrgSource {
  return {
    async entities() {
      const { items } = await catalog.getEntities(
        {
          filter: { kind: ['User', 'Group', 'Component', 'System', 'Domain'] },
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.title',
            'relations',
          ],
        },
        { credentials: await auth.getOwnServiceCredentials() },
      );
      return items.map(e => ({
        ref: stringifyEntityRef(e),
        kind: e.kind,
        ...(e.metadata.title ? { title: e.metadata.title } : {}),
        relations: (e.relations ?? []).map(r => ({
          type: r.type,
          targetRef: r.targetRef,
        })),
      }));
    },
  };
}
