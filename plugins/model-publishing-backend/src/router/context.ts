import type {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ANNOTATION_INFERENCE_SERVICE,
  getInferenceServiceRef,
  getModelResourceKind,
  type ModelResourceKind,
} from '@model-publishing/plugin-model-publishing-common';
import type { Request, Response, Router } from 'express';
import type { AuditedAction, AuditLog } from '../audit/AuditLog';
import { decodeCursor } from '../database/util';

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
}

/** Shared route helpers (backend contract): credentials, model address → entity, authorize + audit. */
export class RouteContext {
  constructor(private readonly o: RouteContextOptions) {}

  /** Users and services may call; unauthenticated requests were already refused by httpRouter (401). */
  credentials(req: Request): Promise<BackstageCredentials> {
    return this.o.httpAuth.credentials(req, { allow: ['user', 'service'] });
  }

  /** Who did it, for audit rows and `createdBy`. */
  actorOf(credentials: BackstageCredentials): string {
    const p = credentials.principal as { type: string; userEntityRef?: string; subject?: string };
    if (p.type === 'user' && p.userEntityRef) return p.userEntityRef;
    if (p.type === 'service' && p.subject) return `service:${p.subject}`;
    return 'unknown';
  }

  /**
   * Resolves either address form to a model and its catalog entity. No entity → 404 before any cluster
   * call: permissions are decided on the entity, so without one nothing can be authorized.
   */
  async resolveModel(params: Record<string, string>): Promise<ModelTarget> {
    const serviceCredentials = await this.o.auth.getOwnServiceCredentials();
    if (params.kind !== undefined) {
      const ref = { kind: params.kind, namespace: params.namespace, name: params.name };
      const entity = await this.o.catalog.getEntityByRef(ref, { credentials: serviceCredentials });
      const isvc = entity && getInferenceServiceRef(entity);
      if (!entity || !isvc) {
        throw new NotFoundError(
          `entity ${stringifyEntityRef(ref)} not found or has no ${ANNOTATION_INFERENCE_SERVICE} annotation`,
        );
      }
      const cluster = this.o.resolveClusterName(isvc.cluster ?? 'default');
      if (!cluster) {
        throw new NotFoundError(`entity ${stringifyEntityRef(ref)} names unknown cluster '${isvc.cluster}'`);
      }
      return this.target(entity, cluster, isvc.namespace, isvc.name);
    }

    const { namespace, name } = params;
    const cluster = this.o.resolveClusterName(params.cluster);
    if (!cluster) throw new NotFoundError(`cluster '${params.cluster}' is not configured`);
    const { items } = await this.o.catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${ANNOTATION_INFERENCE_SERVICE}`]: [
            `${namespace}/${name}`,
            `${cluster}/${namespace}/${name}`,
          ],
        },
      },
      { credentials: serviceCredentials },
    );
    const entity = items.find(e => {
      const ref = getInferenceServiceRef(e);
      const entityCluster = this.o.resolveClusterName(ref?.cluster ?? 'default');
      return ref && ref.namespace === namespace && ref.name === name && entityCluster === cluster;
    });
    if (!entity) {
      throw new NotFoundError(
        `no catalog entity stands for InferenceService ${namespace}/${name} in cluster '${cluster}'`,
      );
    }
    return this.target(entity, cluster, namespace, name);
  }

  private target(entity: Entity, cluster: string, namespace: string, name: string): ModelTarget {
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
    req: Request,
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

  /** Which of `entityRefs` the caller may act on with `permission` (one batched permission call). */
  async filterAllowed(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRefs: string[],
  ): Promise<Set<string>> {
    const unique = [...new Set(entityRefs.filter(Boolean))];
    if (!unique.length) return new Set();
    const decisions = await this.o.permissions.authorize(
      unique.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    return new Set(unique.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW));
  }
}

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** Both address forms of every model route (backend contract). */
export const MODEL_ADDRESS_PREFIXES = [
  '/models/:cluster/:namespace/:name',
  '/entities/:kind/:namespace/:name',
] as const;

/**
 * Registers a model route under both address forms; the handler gets the resolved model. Requests were
 * already validated against openapi.yaml by the router's middleware.
 */
export function modelRoute(
  router: Router,
  ctx: RouteContext,
  method: HttpMethod,
  suffix: string,
  handler: (model: ModelTarget, req: Request, res: Response) => Promise<void>,
): void {
  for (const prefix of MODEL_ADDRESS_PREFIXES) {
    router[method](`${prefix}${suffix}`, async (req: Request, res: Response) => {
      const model = await ctx.resolveModel(req.params as Record<string, string>);
      await handler(model, req, res);
    });
  }
}

/** Page size bounds of every paged route (openapi.yaml's `limit` parameter). */
export const PAGE_LIMIT = { min: 1, max: 200, default: 50 } as const;

/**
 * `cursor` and `limit` of a paged route, checked here as well as by the OpenAPI middleware so a
 * handler never trusts a raw query string: a 400 naming the parameter, before anything is read.
 */
export function parsePageQuery(query: Record<string, unknown>): { cursor?: string; limit: number } {
  const { cursor, limit } = query;
  if (cursor !== undefined && (typeof cursor !== 'string' || cursor === '')) {
    throw new InputError('cursor: must be a cursor returned by this API');
  }
  if (cursor !== undefined) decodeCursor(cursor);
  if (limit === undefined) return { ...(cursor ? { cursor } : {}), limit: PAGE_LIMIT.default };
  let n = NaN;
  if (typeof limit === 'number') n = limit;
  else if (typeof limit === 'string' && /^\d+$/.test(limit)) n = Number(limit);
  if (!Number.isInteger(n) || n < PAGE_LIMIT.min || n > PAGE_LIMIT.max) {
    throw new InputError(`limit: must be an integer from ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max}`);
  }
  return { ...(cursor ? { cursor } : {}), limit: n };
}
