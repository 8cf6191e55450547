import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { ApiKeyInfo } from '@model-publishing/plugin-model-publishing-common';
import { setFields } from '../database/fields';
import type { Counters } from '../usage/types';
import { listReadablePublications } from '../router/publications';
import { modelPathOf } from './agentKeys';
import type { ActionKit, Caller } from './modelAction';

const DAY_MS = 86_400_000;
const MAX_USAGE_DAYS = 30;

/** get-my-usage: the caller's own keys and their traffic, without usage.read (it is their own). */
export function registerGetMyUsage(
  registry: ActionsRegistryService,
  { deps, now, audited }: ActionKit,
): void {
  const { ctx } = deps;
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
          const keys = held.map(({ publicationId, entityRef, ...key }) => {
            const totals = totalsOf.get(key.keyId);
            return {
              model: entityRef,
              ...key,
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

  /** A key as this action reports it, on the model `entityRef`, held by `holder`. */
  const heldKey = (
    key: Pick<
      ApiKeyInfo,
      'id' | 'publicationId' | 'name' | 'expiresAt' | 'lastUsedAt'
    >,
    entityRef: string,
    holder: string,
    status: string,
  ): HeldKey => ({
    publicationId: key.publicationId,
    entityRef,
    keyId: key.id,
    keyName: key.name,
    holder,
    status,
    ...setFields(key, ['expiresAt', 'lastUsedAt']),
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
      for (const k of (await deps.access.consumerKeys.mine(caller.actor))
        .keys) {
        if (!k.entityRef || (onlyRef && k.entityRef !== onlyRef)) continue;
        const status = k.suspended ? 'suspended' : k.key.status;
        out.set(
          k.key.id,
          heldKey(
            { ...k.key, publicationId: k.publicationId },
            k.entityRef,
            k.consumerRef,
            status,
          ),
        );
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
      out.set(key.id, heldKey(key, entityRef, caller.actor, key.status));
    }
    return [...out.values()];
  }
}
