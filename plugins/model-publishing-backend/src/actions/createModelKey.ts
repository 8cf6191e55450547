import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotFoundError } from '@backstage/errors';
import {
  accessRequestPermission,
  keyCreatePermission,
  type AccessRequest,
  type Publication,
} from '@model-publishing/plugin-model-publishing-common';
import {
  AGENT_KEY_DEFAULT_LIFETIME_HOURS,
  AGENT_KEY_MAX_LIFETIME_HOURS,
  agentKeyExpiry,
  agentKeyName,
} from './agentKeys';
import { accessModelOf } from '../access/types';
import { type ActionKit, type Caller, connectionSchema } from './modelAction';

/**
 * create-model-key: a short-lived key for the caller, the key of their approved access request when
 * they have one, else (owners) a key as POST …/publication/keys creates it.
 */
export function registerCreateModelKey(
  registry: ActionsRegistryService,
  kit: ActionKit,
): void {
  const { deps, now, onModel, livePublication, accessService } = kit;
  const { ctx } = deps;
  registry.register({
    name: 'create-model-key',
    title: 'Create a short-lived key for a model',
    description: `Creates an API key for one model, for you, that expires after lifetimeHours (default ${AGENT_KEY_DEFAULT_LIFETIME_HOURS}, at most ${AGENT_KEY_MAX_LIFETIME_HOURS}). If you have an approved access request for the model its key is issued (once per request); otherwise only the model's owners may create keys. The key is shown only in this answer: keep it in the environment variable named in connection.apiKeyEnv.`,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          model: z.string().describe('Entity ref of the model'),
          lifetimeHours: z
            .number()
            .positive()
            .max(AGENT_KEY_MAX_LIFETIME_HOURS)
            .optional()
            .describe(
              `Hours until the key expires (default ${AGENT_KEY_DEFAULT_LIFETIME_HOURS}, at most ${AGENT_KEY_MAX_LIFETIME_HOURS})`,
            ),
          requestId: z
            .string()
            .optional()
            .describe(
              'Your approved access request to collect (default: your newest approved one for this model)',
            ),
        }),
      output: z =>
        z.object({
          key: z.string().describe('The API key; shown only once'),
          keyId: z.string(),
          name: z.string(),
          expiresAt: z.string(),
          requestId: z.string().optional(),
          connection: connectionSchema(z),
          header: z.string().describe('How to send the key'),
        }),
    },
    action: async ({ input, credentials }) =>
      // Authorized below: with the caller's approved request or, without one, as an owner.
      onModel(
        'create-model-key',
        'high',
        credentials,
        input.model,
        undefined,
        async (caller, model) => {
          const at = now();
          const expiresAt = agentKeyExpiry(at, input.lifetimeHours);
          const publication = await livePublication(model);
          const approved = await approvedRequestOf(
            caller,
            publication,
            input.requestId,
          );
          let issued;
          if (approved) {
            // the consumer's path: the key of an approved request, as POST /access/requests/{id}/key issues it
            await ctx.authorize(
              undefined,
              caller.credentials,
              accessRequestPermission,
              {
                entityRef: approved.entityRef,
                publicationId: approved.publicationId,
              },
              'access.request',
            );
            ({ issued } = await accessService().requests.issue(
              approved.id,
              accessModelOf(model, publication),
              { actor: caller.actor },
              { maxLifetimeMs: expiresAt.getTime() - at.getTime() },
            ));
          } else {
            // the owner's path: POST …/publication/keys, with its permission
            await ctx.authorize(
              undefined,
              caller.credentials,
              keyCreatePermission,
              model,
              'key.create',
            );
            issued = await deps.keys.create(
              {
                publicationId: publication.id,
                name: agentKeyName(caller.actor, at),
                expiresAt: expiresAt.toISOString(),
              },
              { actor: caller.actor },
            );
          }
          const guide = await deps.guides.render(publication);
          return {
            output: {
              key: issued.secret,
              keyId: issued.key.id,
              name: issued.key.name,
              expiresAt: issued.key.expiresAt ?? expiresAt.toISOString(),
              ...(approved ? { requestId: approved.id } : {}),
              connection: guide.connection,
              header: 'Authorization: Bearer <key> (or x-api-key: <key>)',
            },
          };
        },
      ),
  });

  /** The caller's approved, not yet collected request for this publication: the one named, else the newest. */
  async function approvedRequestOf(
    caller: Caller,
    publication: Publication,
    requestId?: string,
  ): Promise<AccessRequest | undefined> {
    if (!deps.access) return undefined;
    if (requestId) {
      const request = await deps.access.requests.getRequest(requestId);
      if (
        request.requester !== caller.actor ||
        request.publicationId !== publication.id
      ) {
        throw new NotFoundError(
          `access request ${requestId} is not one of your requests for this model`,
        );
      }
      return request;
    }
    const { requests } = await deps.access.consumerKeys.mine(caller.actor);
    return requests
      .filter(
        r => r.publicationId === publication.id && r.status === 'approved',
      )
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  }
}
