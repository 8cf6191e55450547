import type {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { z as zod } from 'zod/v3';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  accessRequestInputSchema,
  accessRequestPermission,
  describeZodError,
  keyCreatePermission,
  publicationReadPermission,
  type AccessRequest,
  type Publication,
} from '@model-publishing/plugin-model-publishing-common';
import type { AccessService } from '../access/AccessService';
import type { AccessModel } from '../access/types';
import type { PublicationStore } from '../database/PublicationStore';
import type { GuideRenderer } from '../docs/GuideRenderer';
import type { ApiKeyService } from '../keys';
import type { ModelTarget, RouteContext } from '../router/context';
import { listReadablePublications } from '../router/publications';
import type { UsageModule } from '../usage';
import type { Counters } from '../usage/types';
import {
  AGENT_KEY_DEFAULT_LIFETIME_HOURS,
  AGENT_KEY_MAX_LIFETIME_HOURS,
  agentKeyExpiry,
  agentKeyName,
  modelPathOf,
} from './agentKeys';

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

const DAY_MS = 86_400_000;
const MAX_USAGE_DAYS = 30;

/** A signed-in user and their entity ref: actions act for a person, as the access routes do. */
interface Caller {
  credentials: BackstageCredentials;
  actor: string;
}

/**
 * Registers the actions AI agents call (through the MCP actions backend): list the published models the
 * caller may see, describe one with its guide, request access, create a short-lived key for the caller, and
 * read the caller's usage. Each runs with the caller's credentials and the same permission checks and
 * services as the matching route; each call is an auditor event, and what it changes is audited as the
 * route's change is (audit rows: access.request, key.create / access.issue, denials).
 */
export function registerModelActions(
  registry: ActionsRegistryService,
  deps: ModelActionDeps,
): void {
  const { ctx, publications } = deps;
  const now = deps.now ?? (() => new Date());

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

  const accessService = (): AccessService => {
    if (!deps.access)
      throw new ServiceUnavailableError(
        'access requests are not enabled on this backend',
      );
    return deps.access;
  };

  const accessModelOf = (
    model: ModelTarget,
    publication: Publication,
  ): AccessModel => ({
    entityRef: model.entityRef,
    ...(model.owner ? { owner: model.owner } : {}),
    title: publication.name,
  });

  registry.register({
    name: 'list-published-models',
    title: 'List published models',
    description:
      "Lists the models published through the portal that you may see: each one's entity ref (pass it as `model` to the other model-publishing actions), name, kind of API, status and base URL.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          search: z
            .string()
            .optional()
            .describe(
              'Only models whose name, namespace or description contains this text (case-insensitive)',
            ),
          limit: z
            .number()
            .int()
            .min(1)
            .max(200)
            .optional()
            .describe('At most this many models (default 50)'),
        }),
      output: z =>
        z.object({
          models: z.array(
            z.object({
              model: z.string().describe('Entity ref of the model'),
              name: z.string(),
              namespace: z.string(),
              cluster: z.string(),
              modelKind: z
                .string()
                .describe(
                  'openai (OpenAI-compatible), v1 or v2 (KServe protocols)',
                ),
              status: z.string(),
              baseUrl: z.string().optional(),
              owner: z.string().optional(),
              description: z.string().optional(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) =>
      audited('list-published-models', 'low', credentials, {}, async caller => {
        const limit = input.limit ?? 50;
        const search = input.search?.trim().toLocaleLowerCase('en-US');
        const matches = (p: Publication) =>
          !search ||
          [p.name, p.namespace, p.config.description ?? ''].some(t =>
            t.toLocaleLowerCase('en-US').includes(search),
          );
        // The description lives in the publication's config, which the list cannot search: with a
        // search, read every readable page (largest pages) until `limit` match, not only the first.
        const found: Publication[] = [];
        let cursor: string | undefined;
        do {
          const page = await listReadablePublications(
            deps,
            caller.credentials,
            {
              current: true,
              status: 'published',
              cursor,
              limit: search ? 200 : limit,
            },
          );
          found.push(...page.items.filter(matches));
          cursor = search ? page.nextCursor : undefined;
        } while (cursor && found.length < limit);
        return {
          output: {
            models: found.slice(0, limit).map(p => ({
              model: p.entityRef!,
              name: p.name,
              namespace: p.namespace,
              cluster: p.cluster,
              modelKind: p.modelKind,
              status: p.status,
              ...(p.endpoints[0] ? { baseUrl: p.endpoints[0].url } : {}),
              ...(p.owner ? { owner: p.owner } : {}),
              ...(p.config.description
                ? { description: p.config.description }
                : {}),
            })),
          },
        };
      }),
  });

  const connectionSchema = (z: typeof zod) =>
    z.object({
      baseUrl: z.string(),
      model: z
        .string()
        .describe(
          'The `model` OpenAI clients send (or the name in v1/v2 paths)',
        ),
      modelKind: z.string(),
      apiKeyEnv: z
        .string()
        .describe(
          "The environment variable the guide's examples read the key from",
        ),
    });

  registry.register({
    name: 'describe-published-model',
    title: 'Describe a published model',
    description:
      'Describes one published model: how to connect (base URL, model name, key variable), the plans you may request access on, and its full API guide (Markdown, with examples).',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          model: z
            .string()
            .describe(
              'Entity ref of the model, e.g. component:default/fraud-detector',
            ),
        }),
      output: z =>
        z.object({
          model: z.string(),
          name: z.string(),
          status: z.string(),
          owner: z.string().optional(),
          description: z.string().optional(),
          connection: connectionSchema(z),
          plans: z.array(
            z.object({
              name: z.string(),
              description: z.string().optional(),
              approval: z
                .string()
                .describe(
                  'automatic: the key comes at once; manual: the owners decide',
                ),
              rateLimits: z.record(z.number()),
              maxKeyLifetimeDays: z.number().optional(),
            }),
          ),
          guide: z.string().describe('The API guide, Markdown'),
        }),
    },
    action: async ({ input, credentials }) =>
      audited(
        'describe-published-model',
        'low',
        credentials,
        { model: input.model },
        async caller => {
          const model = await ctx.resolveModel(modelPathOf(input.model));
          await ctx.authorize(
            undefined,
            caller.credentials,
            publicationReadPermission,
            model,
            'publication.read',
          );
          const publication = await livePublication(model);
          const [guide, plans] = await Promise.all([
            deps.guides.render(publication),
            deps.access
              ? deps.access.plansOf(publication)
              : Promise.resolve([]),
          ]);
          return {
            output: {
              model: model.entityRef,
              name: publication.name,
              status: publication.status,
              ...(model.owner ? { owner: model.owner } : {}),
              ...(publication.config.description
                ? { description: publication.config.description }
                : {}),
              connection: guide.connection,
              plans: plans.map(p => ({
                name: p.name,
                ...(p.description ? { description: p.description } : {}),
                approval: p.approval,
                rateLimits: { ...p.rateLimits } as Record<string, number>,
                ...(p.maxKeyLifetimeDays
                  ? { maxKeyLifetimeDays: p.maxKeyLifetimeDays }
                  : {}),
              })),
              guide: guide.markdown,
            },
          };
        },
      ),
  });

  registry.register({
    name: 'request-model-access',
    title: 'Request access to a model',
    description:
      "Asks for access to a published model on one of its plans, for you (default), a group you belong to or a Component you own. On an automatic plan the request is approved at once; otherwise the model's owners are notified and decide. Once approved, call create-model-key for a key.",
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          model: z.string().describe('Entity ref of the model'),
          plan: z
            .string()
            .optional()
            .describe(
              'Plan name (describe-published-model lists them); default: default',
            ),
          purpose: z
            .string()
            .describe(
              'What the model will be used for, in a sentence (at least 10 characters)',
            ),
          consumer: z
            .string()
            .optional()
            .describe(
              'Who the key belongs to: user:…, group:… or component:… (default: you)',
            ),
        }),
      output: z =>
        z.object({
          requestId: z.string(),
          status: z
            .string()
            .describe(
              'pending (owners decide), approved (collect the key) or issued',
            ),
          plan: z.string(),
          consumer: z.string(),
          next: z.string(),
        }),
    },
    action: async ({ input, credentials }) =>
      audited(
        'request-model-access',
        'medium',
        credentials,
        { model: input.model },
        async caller => {
          const model = await ctx.resolveModel(modelPathOf(input.model));
          await ctx.authorize(
            undefined,
            caller.credentials,
            accessRequestPermission,
            model,
            'access.request',
          );
          const parsed = accessRequestInputSchema.safeParse({
            plan: input.plan ?? 'default',
            purpose: input.purpose,
            consumer: input.consumer ?? caller.actor,
            // the key is never returned here: an agent collects a short-lived one with create-model-key
            collectLater: true,
          });
          if (!parsed.success)
            throw new InputError(describeZodError(parsed.error));
          const publication = await livePublication(model);
          const { request } = await accessService().request(
            publication,
            accessModelOf(model, publication),
            parsed.data,
            { actor: caller.actor },
          );
          return { output: requestOutput(request, model.entityRef) };
        },
      ),
  });

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
      audited(
        'create-model-key',
        'high',
        credentials,
        { model: input.model },
        async caller => {
          const model = await ctx.resolveModel(modelPathOf(input.model));
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
            ({ issued } = await accessService().issue(
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
      const request = await deps.access.getRequest(requestId);
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
    const { requests } = await deps.access.mine(caller.actor);
    return requests
      .filter(
        r => r.publicationId === publication.id && r.status === 'approved',
      )
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  }

  registry.register({
    name: 'get-my-usage',
    title: 'Read my usage of models',
    description:
      'Your keys of published models (the keys you or your teams and Components hold, and keys you created) with their status, last use, requests and tokens over the last `days` days.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          model: z.string().optional().describe('Only this model (entity ref)'),
          days: z
            .number()
            .int()
            .min(1)
            .max(MAX_USAGE_DAYS)
            .optional()
            .describe('Days back from now (default 7)'),
        }),
      output: z =>
        z.object({
          from: z.string(),
          to: z.string(),
          keys: z.array(
            z.object({
              model: z.string(),
              keyId: z.string(),
              keyName: z.string(),
              holder: z
                .string()
                .describe(
                  'Who the key belongs to (consumer) or who created it',
                ),
              status: z.string(),
              expiresAt: z.string().optional(),
              lastUsedAt: z.string().optional(),
              requests: z.number(),
              errors: z
                .number()
                .describe('401, 403, 429, other 4xx and 5xx answers'),
              inputTokens: z.number(),
              outputTokens: z.number(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) =>
      audited(
        'get-my-usage',
        'low',
        credentials,
        { model: input.model },
        async caller => {
          const to = now();
          const from = new Date(to.getTime() - (input.days ?? 7) * DAY_MS);
          const onlyRef = input.model
            ? (await ctx.resolveModel(modelPathOf(input.model))).entityRef
            : undefined;
          const held = await heldKeys(caller, onlyRef);
          // one set of grouped queries for every key, whatever the number of models
          const totalsOf = deps.usage
            ? await deps.usage.service.keyTotals(held, { from, to })
            : new Map<string, Counters>();
          const keys = held.map(k => {
            const totals = totalsOf.get(k.keyId);
            return {
              model: k.entityRef,
              keyId: k.keyId,
              keyName: k.keyName,
              holder: k.holder,
              status: k.status,
              ...(k.expiresAt ? { expiresAt: k.expiresAt } : {}),
              ...(k.lastUsedAt ? { lastUsedAt: k.lastUsedAt } : {}),
              requests: totals?.requests ?? 0,
              errors: totals
                ? totals.status401 +
                  totals.status403 +
                  totals.status429 +
                  totals.status4xxOther +
                  totals.status5xx
                : 0,
              inputTokens: totals?.inputTokens ?? 0,
              outputTokens: totals?.outputTokens ?? 0,
            };
          });
          return {
            output: { from: from.toISOString(), to: to.toISOString(), keys },
          };
        },
      ),
  });

  interface HeldKey {
    publicationId: string;
    entityRef: string;
    keyId: string;
    keyName: string;
    holder: string;
    status: string;
    expiresAt?: string;
    lastUsedAt?: string;
  }

  /**
   * The caller's keys: the consumer keys they hold (as themselves, their groups, their Components — the
   * `/access/mine` rule) and the keys they created on models they may read. No usage.read needed: it is
   * the caller's own traffic, as the consumer's pages show it.
   */
  async function heldKeys(
    caller: Caller,
    onlyRef?: string,
  ): Promise<HeldKey[]> {
    const out = new Map<string, HeldKey>();
    if (deps.access) {
      for (const k of (await deps.access.mine(caller.actor)).keys) {
        if (!k.entityRef || (onlyRef && k.entityRef !== onlyRef)) continue;
        out.set(k.key.id, {
          publicationId: k.publicationId,
          entityRef: k.entityRef,
          keyId: k.key.id,
          keyName: k.key.name,
          holder: k.consumerRef,
          status: k.suspended ? 'suspended' : k.key.status,
          ...(k.key.expiresAt ? { expiresAt: k.key.expiresAt } : {}),
          ...(k.key.lastUsedAt ? { lastUsedAt: k.key.lastUsedAt } : {}),
        });
      }
    }
    const { items } = await listReadablePublications(deps, caller.credentials, {
      current: true,
      limit: 200,
    });
    const refs = new Map<string, string>();
    for (const p of items)
      if (p.entityRef && (!onlyRef || p.entityRef === onlyRef))
        refs.set(p.id, p.entityRef);
    // one query for the keys the caller created on all of them
    for (const key of await deps.keys.listCreatedBy(caller.actor, [
      ...refs.keys(),
    ])) {
      const entityRef = refs.get(key.publicationId);
      if (!entityRef || out.has(key.id)) continue;
      out.set(key.id, {
        publicationId: key.publicationId,
        entityRef,
        keyId: key.id,
        keyName: key.name,
        holder: caller.actor,
        status: key.status,
        ...(key.expiresAt ? { expiresAt: key.expiresAt } : {}),
        ...(key.lastUsedAt ? { lastUsedAt: key.lastUsedAt } : {}),
      });
    }
    return [...out.values()];
  }
}

function requestOutput(request: AccessRequest, model: string) {
  const next: Record<string, string> = {
    pending: `The owners of ${model} were notified; once they approve, call create-model-key.`,
    approved: `Approved: call create-model-key with model ${model} for a short-lived key.`,
    issued: 'The key of this request was already issued.',
    denied: `Denied${request.reason ? `: ${request.reason}` : ''}.`,
  };
  return {
    requestId: request.id,
    status: request.status,
    plan: request.planName,
    consumer: request.consumerRef,
    next: next[request.status] ?? '',
  };
}
