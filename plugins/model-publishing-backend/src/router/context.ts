import type {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  getInferenceServiceRef,
  getModelResourceKind,
  type ModelPath,
  type ModelResourceKind,
  providerClusterOf,
  providerEntityFilter,
} from '@model-publishing/plugin-model-publishing-common';
import type { Request } from 'express';

/** Any route's request, whatever its typed path, query and body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRequest = Request<any, any, any, any>;
import type { AuditedAction, AuditLog } from '../audit/AuditLog';
import {
  checkServiceAccess,
  routeKey,
  type ServiceSubjects,
} from './serviceAccess';

/** A model resolved from its address: the cluster object and the catalog entity permissions check. */
export interface ModelTarget {
  /** Configured cluster name ('default' already resolved). */
  cluster: string;
  namespace: string;
  name: string;
  entityRef: string;
  /** Owning group (tenant), as an entity ref. */
  owner?: string;
  /** InferenceService or LLMInferenceService, when the entity's annotation says (they may share a name). */
  resourceKind?: ModelResourceKind;
  entity: Entity;
}

export interface RouteContextOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  auditLog: AuditLog;
  logger: LoggerService;
  /** Resolves a cluster name from a URL (`default` → the default cluster); undefined when unknown. */
  resolveClusterName(name: string): string | undefined;
  defaultCluster: string;
  /** Which service principals the `readers` and `ingest` routes admit. */
  serviceSubjects: ServiceSubjects;
}

/** How many cluster addresses remember their entity's ref (a few hundred bytes each). */
const MAX_REMEMBERED_ADDRESSES = 20_000;
/** How many entities the read cache holds (a few kB each). */
const MAX_RECENT_ENTITIES = 2_000;

/** How old an entity a read-only route may decide "which model is this" on. */
export const READ_CACHE_MS = 5_000;

/** Shared route helpers (backend contract): credentials, model address → entity, authorize + audit. */
/**
 * Resource refs per permission request. The permission backend parses bodies with express.json()'s
 * default 100 kB limit and answers a larger batch with 413; one item is ~230 bytes.
 */
export const AUTHORIZE_BATCH = 200;

export class RouteContext {
  /** Cluster address (`cluster/namespace/name`) → the ref of the entity it resolved to last time. */
  private readonly entityRefOfAddress = new Map<string, string>();
  /** Entities looked up lately (lower-cased ref → entity), for read-only routes (READ_CACHE_MS). */
  private readonly recentEntities = new Map<
    string,
    { entity: Entity; at: number }
  >();

  constructor(private readonly o: RouteContextOptions) {}

  /**
   * The caller, admitted by the route's declared access (router/serviceAccess.ts): services only where
   * the route says so, since the permission framework would allow them anything. Unauthenticated
   * requests were already refused by httpRouter (401).
   */
  async credentials(req: AnyRequest): Promise<BackstageCredentials> {
    const credentials = await this.o.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const path =
      typeof req.route?.path === 'string' ? req.route.path : req.path;
    checkServiceAccess(
      routeKey(req.method, path),
      credentials,
      this.o.serviceSubjects,
    );
    return credentials;
  }

  /** The caller of a route that acts only for a signed-in user: a service principal gets 403 `refusal`. */
  async userCredentials(
    req: AnyRequest,
    refusal: string,
  ): Promise<BackstageCredentials> {
    const credentials = await this.credentials(req);
    if (!this.o.auth.isPrincipal(credentials, 'user'))
      throw new NotAllowedError(refusal);
    return credentials;
  }

  /** Who did it, for audit rows and `createdBy`. */
  actorOf(credentials: BackstageCredentials): string {
    const p = credentials.principal as {
      type: string;
      userEntityRef?: string;
      subject?: string;
    };
    if (p.type === 'user' && p.userEntityRef) return p.userEntityRef;
    if (p.type === 'service' && p.subject) return `service:${p.subject}`;
    return 'unknown';
  }

  /**
   * Resolves either address form to a model and the catalog entity permissions are decided on. Only the
   * entity our own entity provider emitted for that InferenceService counts (providerClusterOf): an
   * entity anyone registered with the same annotation is no model here, so both address forms reach
   * the same entity and the same decision. No trusted entity → 404 before any cluster call.
   */
  async resolveModel(
    address: ModelPath,
    options: {
      /**
       * A read-only route: the entity may come from a lookup of the last few seconds (READ_CACHE_MS).
       * Safe for reads: the permission decision is still made on the ref by the permission framework,
       * with any condition evaluated by the catalog on its current entity; only "which model is this"
       * may be seconds old. Writes always look the entity up.
       */
      read?: boolean;
    } = {},
  ): Promise<ModelTarget> {
    const maxAgeMs = options.read ? READ_CACHE_MS : 0;
    if (address.addressedBy === 'entities') {
      const ref = {
        kind: address.scope,
        namespace: address.namespace,
        name: address.name,
      };
      const entity = await this.entityByRef(stringifyEntityRef(ref), maxAgeMs);
      const isvc = entity && getInferenceServiceRef(entity);
      const providerCluster = entity && providerClusterOf(entity);
      if (!entity || !isvc || !providerCluster) {
        throw new NotFoundError(
          `entity ${stringifyEntityRef(
            ref,
          )} is not a model: only entities the model-publishing catalog module emitted from a cluster stand for one`,
        );
      }
      const cluster = this.o.resolveClusterName(providerCluster);
      if (
        !cluster ||
        (isvc.cluster && this.o.resolveClusterName(isvc.cluster) !== cluster)
      ) {
        throw new NotFoundError(
          `entity ${stringifyEntityRef(
            ref,
          )} names unknown cluster '${providerCluster}'`,
        );
      }
      return this.target(entity, cluster, isvc.namespace, isvc.name);
    }
    const { namespace, name } = checkClusterAddress(address);
    const cluster = this.o.resolveClusterName(address.scope);
    if (!cluster)
      throw new NotFoundError(`cluster '${address.scope}' is not configured`);
    const standsFor = (e: Entity) => {
      const ref = getInferenceServiceRef(e);
      const providerCluster = providerClusterOf(e);
      return Boolean(
        ref &&
          providerCluster &&
          this.o.resolveClusterName(providerCluster) === cluster &&
          ref.namespace === namespace &&
          ref.name === name,
      );
    };
    // The entity this address led to before, looked up by its ref as the catalog's own GET does (a
    // query by annotation costs more) and checked again: the memo only says where to look, so a stale
    // one (entity gone, renamed or no longer the provider's) falls back to the query below.
    const key = `${cluster}/${namespace}/${name}`;
    const known = this.entityRefOfAddress.get(key);
    if (known) {
      const entity = await this.entityByRef(known, maxAgeMs);
      if (entity && standsFor(entity))
        return this.target(entity, cluster, namespace, name);
      this.entityRefOfAddress.delete(key);
    }
    const { items } = await this.o.catalog.getEntities(
      { filter: providerEntityFilter(cluster, namespace, name) },
      { credentials: await this.o.auth.getOwnServiceCredentials() },
    );
    const entity = items.find(standsFor);
    if (!entity) {
      throw new NotFoundError(
        `no catalog entity stands for InferenceService ${namespace}/${name} in cluster '${cluster}'`,
      );
    }
    if (this.entityRefOfAddress.size >= MAX_REMEMBERED_ADDRESSES) {
      // Oldest first (a Map keeps insertion order).
      this.entityRefOfAddress.delete(
        this.entityRefOfAddress.keys().next().value!,
      );
    }
    const entityRef = stringifyEntityRef(entity);
    this.entityRefOfAddress.set(key, entityRef);
    this.remember(entityRef, entity);
    return this.target(entity, cluster, namespace, name);
  }

  /** The catalog's entity, or one looked up at most `maxAgeMs` ago; only found entities are kept. */
  private async entityByRef(
    entityRef: string,
    maxAgeMs: number,
  ): Promise<Entity | undefined> {
    const key = entityRef.toLocaleLowerCase('en-US');
    const hit = this.recentEntities.get(key);
    if (maxAgeMs > 0 && hit && Date.now() - hit.at <= maxAgeMs)
      return hit.entity;
    const entity = await this.o.catalog.getEntityByRef(entityRef, {
      credentials: await this.o.auth.getOwnServiceCredentials(),
    });
    if (entity) this.remember(entityRef, entity);
    else this.recentEntities.delete(key);
    return entity;
  }

  private remember(entityRef: string, entity: Entity): void {
    const key = entityRef.toLocaleLowerCase('en-US');
    this.recentEntities.delete(key);
    if (this.recentEntities.size >= MAX_RECENT_ENTITIES) {
      this.recentEntities.delete(this.recentEntities.keys().next().value!);
    }
    this.recentEntities.set(key, { entity, at: Date.now() });
  }

  private target(
    entity: Entity,
    cluster: string,
    namespace: string,
    name: string,
  ): ModelTarget {
    const ownerValue = (entity.spec as { owner?: unknown } | undefined)?.owner;
    let owner: string | undefined;
    if (typeof ownerValue === 'string' && ownerValue) {
      owner = stringifyEntityRef(
        parseEntityRef(ownerValue, {
          defaultKind: 'group',
          defaultNamespace: entity.metadata.namespace ?? 'default',
        }),
      );
    }
    const resourceKind = getModelResourceKind(entity);
    return {
      cluster,
      namespace,
      name,
      entityRef: stringifyEntityRef(entity),
      owner,
      ...(resourceKind ? { resourceKind } : {}),
      entity,
    };
  }

  /**
   * Authorizes one action on the model's entity. A denial is audited (row + auditor event) and thrown
   * as NotAllowedError (403) before the caller touches the cluster or the database.
   */
  async authorize(
    /** The HTTP request, for the audit event's context; undefined when an action (src/actions) is called. */
    req: AnyRequest | undefined,
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    target: { entityRef: string; publicationId?: string; keyId?: string },
    action: AuditedAction,
  ): Promise<void> {
    const [decision] = await this.o.permissions.authorize(
      [{ permission, resourceRef: target.entityRef }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return;
    const message = `not allowed: ${permission.name} on ${target.entityRef}`;
    await this.o.auditLog.record({
      actor: this.actorOf(credentials),
      action,
      entityRef: target.entityRef,
      publicationId: target.publicationId,
      keyId: target.keyId,
      outcome: 'denied',
      error: message,
      request: req,
    });
    throw new NotAllowedError(message);
  }

  /** Whether the caller holds a basic (not resource-scoped) permission. */
  async isAllowed(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<boolean> {
    const [decision] = await this.o.permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /**
   * Which of `entityRefs` the caller may act on with `permission`: one permission call per
   * AUTHORIZE_BATCH refs (the permission backend's JSON body limit is 100 kB, ~400 of our items), in turn.
   */
  async filterAllowed(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRefs: string[],
  ): Promise<Set<string>> {
    const unique = [...new Set(entityRefs.filter(Boolean))];
    const allowed = new Set<string>();
    for (let i = 0; i < unique.length; i += AUTHORIZE_BATCH) {
      const batch = unique.slice(i, i + AUTHORIZE_BATCH);
      const decisions = await this.o.permissions.authorize(
        batch.map(resourceRef => ({ permission, resourceRef })),
        { credentials },
      );
      batch.forEach((ref, j) => {
        if (decisions[j].result === AuthorizeResult.ALLOW) allowed.add(ref);
      });
    }
    return allowed;
  }
}

/** A Kubernetes object name (RFC 1123 DNS label), as the cluster address form names the model. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The one check openapi.yaml cannot state: its path parameters serve both address forms, and only the
 * cluster form's namespace and name are Kubernetes names (an entity's may be longer or mixed case).
 */
export function checkClusterAddress(address: ModelPath): {
  namespace: string;
  name: string;
} {
  for (const field of ['namespace', 'name'] as const) {
    const value = address[field];
    if (value.length > 63 || !DNS_LABEL.test(value)) {
      throw new InputError(
        `${field}: must be a Kubernetes name (lower-case letters, digits and '-', at most 63)`,
      );
    }
  }
  return { namespace: address.namespace, name: address.name };
}
