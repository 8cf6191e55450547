import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { InputError } from '@backstage/errors';
import {
  accessRequestInputSchema,
  describeZodError,
  type AccessRequest,
} from '@model-publishing/plugin-model-publishing-common';
import { accessModelOf } from '../access/types';
import type { ActionKit } from './modelAction';

/** request-model-access: asks for access on one of a model's plans, as the access route does. */
export function registerRequestModelAccess(
  registry: ActionsRegistryService,
  { onModel, livePublication, accessService }: ActionKit,
): void {
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
      onModel(
        'request-model-access',
        'medium',
        credentials,
        input.model,
        'access.request',
        async (caller, model) => {
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
          const { request } = await accessService().requests.request(
            publication,
            accessModelOf(model, publication),
            parsed.data,
            { actor: caller.actor },
          );
          return { output: requestOutput(request, model.entityRef) };
        },
      ),
  });
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
