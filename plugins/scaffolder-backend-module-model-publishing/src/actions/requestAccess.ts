import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  accessRequestInputSchema,
  describeZodError,
} from '@model-publishing/plugin-model-publishing-common';
import { entityRefField, parseModelRef } from './inputs';
import type { ModelPublishingActionOptions } from './publish';

export const REQUEST_ACCESS_ACTION_ID = 'model-publishing:request-access';

/**
 * Requests access to a published model as the person running the template, for themselves, a group they
 * belong to or a Component they own (the backend checks that against the catalog). The key never passes
 * through the task (its output is stored): the requester collects it once on My model access.
 */
export function createRequestAccessAction(
  options: ModelPublishingActionOptions,
) {
  const { client, appBaseUrl } = options;
  const accessPageUrl = `${appBaseUrl.replace(/\/+$/, '')}/model-access`;
  return createTemplateAction({
    id: REQUEST_ACCESS_ACTION_ID,
    description:
      "Requests access to a published model on one of its plans, as the user who runs the template. The key is collected once on the 'My model access' page, never in the task.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Request access for an application',
        example: `steps:
  - id: access
    name: Request access
    action: model-publishing:request-access
    input:
      entityRef: component:default/fraud-sklearn
      plan: partner
      consumer: component:default/checkout-scoring
      purpose: Scores card payments at checkout`,
      },
    ],
    schema: {
      input: {
        entityRef: entityRefField,
        plan: z =>
          z
            .string()
            .describe(
              'Name of the plan (the model lists its plans on its Access tab)',
            ),
        consumer: z =>
          z
            .string()
            .describe(
              'Who the key belongs to: user:…, a group:… you belong to, or a component:… you own',
            ),
        purpose: z =>
          z
            .string()
            .describe('What the model is used for (the owners read this)'),
      },
      output: {
        requestId: z => z.string().describe('Id of the access request'),
        status: z =>
          z
            .string()
            .describe(
              'pending (the owners decide) or approved (collect the key)',
            ),
        accessPageUrl: z =>
          z
            .string()
            .describe(
              'Where the requester follows the request and collects the key',
            ),
      },
    },
    async handler(ctx) {
      const ref = parseModelRef(ctx.input.entityRef);
      const input = {
        plan: ctx.input.plan,
        purpose: ctx.input.purpose,
        consumer: ctx.input.consumer,
      };
      const checked = accessRequestInputSchema.safeParse(input);
      if (!checked.success)
        throw new InputError(describeZodError(checked.error));
      const credentials = await ctx.getInitiatorCredentials();
      if (ctx.isDryRun) {
        // Validate only: the model resolves and the caller can read it.
        await client.getModel(credentials, ref);
        ctx.logger.info(
          `Dry run: would request access to ${stringifyEntityRef(
            ref,
          )} on plan ${input.plan}`,
        );
        ctx.output('requestId', 'dry-run');
        ctx.output('status', 'pending');
        ctx.output('accessPageUrl', accessPageUrl);
        return;
      }
      const request = await client.requestAccess(
        credentials,
        ref,
        checked.data,
      );
      ctx.logger.info(
        `Requested access to ${stringifyEntityRef(ref)} on plan ${
          request.planName
        } for ${request.consumerRef}: ${request.status}`,
      );
      ctx.output('requestId', request.id);
      ctx.output('status', request.status);
      ctx.output('accessPageUrl', accessPageUrl);
    },
  });
}
