import type { PermissionsService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { ModelPublishingClient } from '../client/ModelPublishingClient';
import {
  checkKeyName,
  descriptionField,
  entityRefField,
  hostnameField,
  modelKindField,
  parseModelRef,
  rateLimitsField,
  plansField,
  toPublishConfig,
} from './inputs';
import { publishingLinks } from './links';
import { publishBlocker } from './publishable';

export interface ModelPublishingActionOptions {
  client: ModelPublishingClient;
  /**
   * Lets dry runs of update/unpublish check the initiator's permission without a write (the
   * backend has no dry-run route for them). Without it those dry runs check readability only.
   */
  permissions?: PermissionsService;
  /** `app.baseUrl`, for links to the entity's Publish tab and guide. */
  appBaseUrl: string;
}

export const PUBLISH_ACTION_ID = 'model-publishing:publish';

/**
 * Publishes a model's InferenceService through the gateway, as the person running the template.
 * No API key is created here: a key would land in the stored task output, so the task links to the
 * Publish tab, where the key is created and shown once.
 */
export function createPublishModelAction(
  options: ModelPublishingActionOptions,
) {
  const { client, appBaseUrl } = options;
  return createTemplateAction({
    id: PUBLISH_ACTION_ID,
    description:
      'Publishes a model (an InferenceService entity) through the gateway with rate limits, acting as the user who runs the template. API keys are created on the Publish tab, never in the task.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Publish a model with request limits',
        example: `steps:
  - id: publish
    name: Publish the model
    action: model-publishing:publish
    input:
      entityRef: component:default/fraud-detector
      rateLimits:
        requestsPerMinute: 60
        requestsPerDay: 10000`,
      },
      {
        description:
          'Publish an LLM with token limits and suggest a key name for the Publish tab',
        example: `steps:
  - id: publish
    name: Publish the LLM
    action: model-publishing:publish
    input:
      entityRef: \${{ parameters.model }}
      rateLimits:
        requestsPerMinute: 30
        tokensPerMinute: 20000
        tokensPerDay: 1000000
      keyName: checkout-app
output:
  links:
    - title: Create an API key on the Publish tab
      url: \${{ steps.publish.output.publishTabUrl }}
    - title: API guide
      url: \${{ steps.publish.output.guideUrl }}`,
      },
    ],
    schema: {
      input: {
        entityRef: entityRefField,
        rateLimits: rateLimitsField,
        keyName: z =>
          z
            .string()
            .optional()
            .describe(
              'Name to give the first API key. The key is NOT created by this action (it would be stored in the task log); create it on the Publish tab, where it is shown once.',
            ),
        hostname: hostnameField,
        description: descriptionField,
        modelKind: modelKindField,
        plans: plansField,
      },
      output: {
        endpointUrl: z =>
          z
            .string()
            .optional()
            .describe('Public endpoint URL (not set in a dry run)'),
        publicationId: z =>
          z
            .string()
            .optional()
            .describe('Publication id (not set in a dry run)'),
        publishTabUrl: z =>
          z
            .string()
            .describe(
              "Link to the model's Publish tab, where API keys are created",
            ),
        guideUrl: z => z.string().describe("Link to the model's API guide"),
      },
    },
    async handler(ctx) {
      const ref = parseModelRef(ctx.input.entityRef);
      const entityRef = stringifyEntityRef(ref);
      const config = toPublishConfig(ctx.input);
      const keyName = checkKeyName(ctx.input.keyName);
      const links = publishingLinks(appBaseUrl, ref);
      const credentials = await ctx.getInitiatorCredentials();
      // Already published, not Ready, token limits on a predictive model: said before anything is sent.
      // A model the user may not read is left to the backend, which says why.
      const checkPublishable = async () => {
        const view = await client
          .getModel(credentials, ref)
          .catch(() => undefined);
        const blocker =
          view &&
          publishBlocker({
            entityRef,
            view,
            rateLimits: config.rateLimits,
            modelKind: config.modelKind,
            publishTabUrl: links.publishTabUrl,
          });
        if (blocker) throw blocker;
      };

      if (ctx.isDryRun) {
        await checkPublishable();
        const { objects } = await client.dryRunPublish(
          credentials,
          ref,
          config,
        );
        // Kind and name only: object bodies (e.g. the keys Secret) are never logged.
        const summary = objects
          .map(o => `${o.kind} ${o.metadata?.name ?? '?'}`)
          .join(', ');
        ctx.logger.info(
          `Dry run: publishing ${entityRef} would create ${objects.length} object(s): ${summary}. Nothing was created.`,
        );
        ctx.output('publishTabUrl', links.publishTabUrl);
        ctx.output('guideUrl', links.guideUrl);
        return;
      }

      ctx.logger.info(`Publishing ${entityRef}`);
      // A checkpoint so a task resumed after a restart does not try to publish twice.
      const result = await ctx.checkpoint({
        key: `model-publishing:publish:${entityRef}`,
        fn: async () => {
          await checkPublishable();
          const { publication, issuedKeyId } = await client.publish(
            credentials,
            ref,
            config,
          );
          return {
            publicationId: publication.id,
            status: publication.status,
            endpointUrl: publication.endpoints?.[0]?.url ?? '',
            issuedKeyId: issuedKeyId ?? '',
          };
        },
      });

      if (result.issuedKeyId) {
        // Only the id: the raw key was dropped with the response and must not reach the task log.
        ctx.logger.warn(
          `The backend issued API key ${result.issuedKeyId} with the publication; it is not shown here. Revoke it on the Publish tab if nobody has it.`,
        );
      }
      ctx.logger.info(
        `Published ${entityRef} (publication ${result.publicationId}, status ${
          result.status
        })${result.endpointUrl ? ` at ${result.endpointUrl}` : ''}`,
      );
      ctx.logger.info(
        `Create ${
          keyName ? `the API key "${keyName}"` : 'an API key'
        } on the Publish tab, where it is shown once: ${links.publishTabUrl}`,
      );
      if (result.endpointUrl) ctx.output('endpointUrl', result.endpointUrl);
      ctx.output('publicationId', result.publicationId);
      ctx.output('publishTabUrl', links.publishTabUrl);
      ctx.output('guideUrl', links.guideUrl);
    },
  });
}
