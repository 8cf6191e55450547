import type {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import type { z as zod } from 'zod/v3';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  modelActionPermissions,
  type Publication,
} from '@model-publishing/plugin-model-publishing-common';
import type { AccessService } from '../access/AccessService';
import type { PublicationStore } from '../database/PublicationStore';
import type { GuideRenderer } from '../docs/GuideRenderer';
import type { ApiKeyService } from '../keys';
import type { ModelTarget, RouteContext } from '../router/context';
import { enabled, type ModelAction } from '../router/modelRoute';
import type { UsageModule } from '../usage';
import { modelPathOf } from './agentKeys';

/** What the actions need: the services the routes use (services.ts builds them once). */
export interface ModelActionDeps {
  ctx: RouteContext;
  auth: AuthService;
  auditor: AuditorService;
  publications: PublicationStore;
  guides: GuideRenderer;
  keys: ApiKeyService;
  access?: AccessService;
  usage?: UsageModule;
  now?: () => Date;
}

/** A signed-in user and their entity ref: actions act for a person, as the access routes do. */
export interface Caller {
  credentials: BackstageCredentials;
  actor: string;
}

/**
 * What every action shares: each call is one auditor event (actor, action, model), failed when it
 * throws; the caller must be a signed-in user; a model named by the agent is resolved and authorized
 * as its route does, before anything is read.
 */
export function actionKit(deps: ModelActionDeps) {
  const { ctx, publications } = deps;

  const callerOf = (credentials: BackstageCredentials): Caller => {
    // A service principal bypasses the portal's policy; these actions act only for a person.
    if (!deps.auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError(
        'model-publishing actions act for a signed-in user; a service may not call them',
      );
    }
    return { credentials, actor: ctx.actorOf(credentials) };
  };

  /** Runs an action as one auditor event (actor, action, model), failed when it throws. */
  const audited = async <T>(
    action: string,
    severityLevel: AuditorServiceEventSeverityLevel,
    credentials: BackstageCredentials,
    meta: Record<string, string | undefined>,
    fn: (caller: Caller) => Promise<T>,
  ): Promise<T> => {
    const event = await deps.auditor.createEvent({
      eventId: 'agent-action',
      severityLevel,
      meta: { action, actor: ctx.actorOf(credentials), ...meta },
    });
    try {
      const result = await fn(callerOf(credentials));
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  };

  /**
   * An audited action on one model (`model`: the entity ref the agent passed): resolved as the entity
   * address form, then authorized with `access` (denial audited) unless the action decides itself.
   */
  const onModel = async <T>(
    action: string,
    severityLevel: AuditorServiceEventSeverityLevel,
    credentials: BackstageCredentials,
    modelRef: string,
    access: ModelAction | undefined,
    fn: (caller: Caller, model: ModelTarget) => Promise<T>,
  ): Promise<T> =>
    audited(
      action,
      severityLevel,
      credentials,
      { model: modelRef },
      async caller => {
        const model = await ctx.resolveModel(modelPathOf(modelRef));
        if (access)
          await ctx.authorize(
            undefined,
            caller.credentials,
            modelActionPermissions[access],
            model,
            access,
          );
        return fn(caller, model);
      },
    );

  const livePublication = async (model: ModelTarget): Promise<Publication> => {
    const publication = await publications.findLive(
      model.cluster,
      model.namespace,
      model.name,
    );
    if (!publication)
      throw new NotFoundError(`${model.entityRef} is not published`);
    return publication;
  };

  const accessService = () =>
    enabled(deps.access, 'access requests are not enabled on this backend');

  return {
    deps,
    now: deps.now ?? (() => new Date()),
    audited,
    onModel,
    livePublication,
    accessService,
  };
}

export type ActionKit = ReturnType<typeof actionKit>;

/** How an agent connects to a published model (describe-published-model, create-model-key). */
export const connectionSchema = (z: typeof zod) =>
  z.object({
    baseUrl: z.string(),
    model: z
      .string()
      .describe('The `model` OpenAI clients send (or the name in v1/v2 paths)'),
    modelKind: z.string(),
    apiKeyEnv: z
      .string()
      .describe(
        "The environment variable the guide's examples read the key from",
      ),
  });
