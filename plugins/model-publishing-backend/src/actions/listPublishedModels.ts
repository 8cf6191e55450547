import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import { listReadablePublications } from '../router/publications';
import type { ActionKit } from './modelAction';

/** list-published-models: the published models the caller may read, searchable by text. */
export function registerListPublishedModels(
  registry: ActionsRegistryService,
  { deps, audited }: ActionKit,
): void {
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
}
