import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import type { ModelPath } from '@model-publishing/plugin-model-publishing-common';
import type { AuditedAction } from '../audit/AuditLog';
import type { AnyRequest, ModelTarget, RouteContext } from './context';

/** What a model route needs before it may read or write: the permission and the action a denial is audited as. */
export interface ModelAccess {
  permission: ResourcePermission<'catalog-entity'>;
  action: AuditedAction;
  /** A read-only route: the entity may come from the last few seconds' lookup (RouteContext.resolveModel). */
  read?: boolean;
}

/** A request to a model's address (`/:addressedBy/:scope/:namespace/:name…`, maybe with a `:keyId`). */
type AddressedRequest = AnyRequest & {
  params: ModelPath & { keyId?: string };
};

/** The caller, admitted and authorized, and the model it addressed. */
export interface AuthorizedModel {
  credentials: BackstageCredentials;
  /** Who is calling, for audit rows and `createdBy` (RouteContext.actorOf). */
  actor: string;
  model: ModelTarget;
}

/**
 * The one preamble of every `/:addressedBy/:scope/:namespace/:name…` route, called first in its handler
 * (which keeps the typed request of openapi.yaml): the caller (route access; with `usersOnly`, a service
 * gets 403 with that message), the model from its address (404 without a trusted entity), then the
 * permission on the model's entity (403, denial audited with the path's `:keyId`), all before the
 * handler reads or writes anything. `access` may depend on the request (e.g. dry-run's mode): it is
 * decided once the model is resolved and may throw an InputError.
 */
export function modelPreamble(
  ctx: RouteContext,
  options: { usersOnly?: string } = {},
) {
  return async function authorizedModel<Req extends AddressedRequest>(
    req: Req,
    access: ModelAccess | ((req: Req) => ModelAccess),
  ): Promise<AuthorizedModel> {
    const credentials = options.usersOnly
      ? await ctx.userCredentials(req, options.usersOnly)
      : await ctx.credentials(req);
    const model = await ctx.resolveModel(req.params, {
      read: typeof access !== 'function' && access.read,
    });
    const { permission, action } =
      typeof access === 'function' ? access(req) : access;
    const keyId = req.params.keyId;
    await ctx.authorize(
      req,
      credentials,
      permission,
      keyId ? { ...model, keyId } : model,
      action,
    );
    return { credentials, actor: ctx.actorOf(credentials), model };
  };
}
