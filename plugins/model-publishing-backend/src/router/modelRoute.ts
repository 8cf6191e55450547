import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  modelActionPermissions,
  type ModelPath,
  type Publication,
} from '@model-publishing/plugin-model-publishing-common';
import { publicationOf } from '../database/publicationOf';
import type { PublicationStore } from '../database/PublicationStore';
import type { AnyRequest, ModelTarget, RouteContext } from './context';

/** An action on a model that a route (or an agent's action) authorizes on the model's entity. */
export type ModelAction = keyof typeof modelActionPermissions;

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
 * action's permission on the model's entity (403, denial audited with the path's `:keyId`), all before
 * the handler reads or writes anything. `action` may depend on the request (e.g. dry-run's mode): it is
 * decided once the model is resolved and may throw an InputError. `read`: a read-only route, whose
 * entity may come from the last few seconds' lookup (RouteContext.resolveModel).
 */
export function modelPreamble(
  ctx: RouteContext,
  options: { usersOnly?: string } = {},
) {
  return async function authorizedModel<Req extends AddressedRequest>(
    req: Req,
    action: ModelAction | ((req: Req) => ModelAction),
    { read = false }: { read?: boolean } = {},
  ): Promise<AuthorizedModel> {
    const credentials = options.usersOnly
      ? await ctx.userCredentials(req, options.usersOnly)
      : await ctx.credentials(req);
    const model = await ctx.resolveModel(req.params, { read });
    const decided = typeof action === 'function' ? action(req) : action;
    const keyId = req.params.keyId;
    await ctx.authorize(
      req,
      credentials,
      modelActionPermissions[decided],
      keyId ? { ...model, keyId } : model,
      decided,
    );
    return { credentials, actor: ctx.actorOf(credentials), model };
  };
}

/**
 * The model preamble, then the publication the route acts on (publicationOf: `live` for what needs a
 * serving publication, `current` for what outlives it; 404 when there is none).
 */
export function publicationPreamble(
  ctx: RouteContext,
  publications: Pick<PublicationStore, 'findLive' | 'findCurrent'>,
  which: 'live' | 'current',
  options: { usersOnly?: string } = {},
) {
  const authorizedModel = modelPreamble(ctx, options);
  return async function authorizedPublication<Req extends AddressedRequest>(
    req: Req,
    action: ModelAction,
  ): Promise<AuthorizedModel & { publication: Publication }> {
    const authorized = await authorizedModel(req, action);
    const publication = await publicationOf(
      publications,
      authorized.model,
      which,
    );
    return { ...authorized, publication };
  };
}

/** An optional service (the backend may be set up without it): the service, or 503 saying so. */
export function enabled<T>(service: T | undefined, unavailable: string): T {
  if (!service) throw new ServiceUnavailableError(unavailable);
  return service;
}
