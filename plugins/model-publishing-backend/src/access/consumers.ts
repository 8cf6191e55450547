import type { AuthService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** The consumer refs a user may act for, as the catalog (not the caller's token) says. */
export interface ConsumerScope {
  user: string;
  groups: string[];
  components: string[];
}

const relationTargets = (entity: Entity | undefined, type: string) =>
  (entity?.relations ?? []).filter(r => r.type === type).map(r => r.targetRef);

/**
 * Decides whom a user may request access for: themselves, a group they belong to, or a Component they
 * (or one of their groups) own. Membership and ownership are read from the catalog with the plugin's
 * own credentials, never from the request or the caller's ownership claims.
 */
export class ConsumerDirectory {
  constructor(
    private readonly deps: { catalog: CatalogService; auth: AuthService },
  ) {}

  private async credentials() {
    return this.deps.auth.getOwnServiceCredentials();
  }

  async scopeOf(userRef: string): Promise<ConsumerScope> {
    const credentials = await this.credentials();
    const user = await this.deps.catalog.getEntityByRef(userRef, {
      credentials,
    });
    const groups = user ? relationTargets(user, 'memberOf') : [];
    const owners = [userRef, ...groups];
    const { items } = await this.deps.catalog.getEntities(
      { filter: { kind: 'component', 'relations.ownedBy': owners } },
      { credentials },
    );
    return {
      user: userRef,
      groups,
      components: items
        .filter(c =>
          relationTargets(c, 'ownedBy').some(o => owners.includes(o)),
        )
        .map(c => stringifyEntityRef(c)),
    };
  }

  /** Throws 403 naming the field unless `consumerRef` is the user, one of their groups or a Component they own. */
  async verify(userRef: string, consumerRef: string): Promise<ConsumerScope> {
    const ref = stringifyEntityRef(parseEntityRef(consumerRef));
    const scope = await this.scopeOf(userRef);
    if (
      ref === userRef ||
      scope.groups.includes(ref) ||
      scope.components.includes(ref)
    )
      return scope;
    throw new NotAllowedError(
      `consumer: ${ref} is not you, a group you belong to, or a Component you own (according to the catalog)`,
    );
  }

  /** Whether the consumer entity is still in the catalog (the lifecycle check). */
  async exists(consumerRef: string): Promise<boolean> {
    const entity = await this.deps.catalog.getEntityByRef(consumerRef, {
      credentials: await this.credentials(),
    });
    return !!entity;
  }

  /** Users a consumer's notices go to: the user, a group's entity ref, or a Component's owner. */
  async recipientsOf(consumerRef: string): Promise<string[]> {
    const kind = parseEntityRef(consumerRef).kind.toLocaleLowerCase('en-US');
    if (kind === 'user' || kind === 'group') return [consumerRef];
    const entity = await this.deps.catalog.getEntityByRef(consumerRef, {
      credentials: await this.credentials(),
    });
    return relationTargets(entity, 'ownedBy');
  }
}
