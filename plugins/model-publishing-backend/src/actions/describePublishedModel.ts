import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { type ActionKit, connectionSchema } from './modelAction';

/** describe-published-model: how to connect, the plans and the guide of one readable model. */
export function registerDescribePublishedModel(
  registry: ActionsRegistryService,
  { deps, onModel, livePublication }: ActionKit,
): void {
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
      onModel(
        'describe-published-model',
        'low',
        credentials,
        input.model,
        'publication.read',
        async (_caller, model) => {
          const publication = await livePublication(model);
          const [guide, plans] = await Promise.all([
            deps.guides.render(publication),
            deps.access
              ? deps.access.requests.plansOf(publication)
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
}
