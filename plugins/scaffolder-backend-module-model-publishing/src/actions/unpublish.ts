import { stringifyEntityRef } from '@backstage/catalog-model';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { entityRefField, parseModelRef } from './inputs';
import {
  Publication,
  publicationDeletePermission,
} from '@model-publishing/plugin-model-publishing-common';
import { publishingLinks } from './links';
import { requireLivePublication } from './livePublication';
import { assertAllowed } from './permissionCheck';
import type { ModelPublishingActionOptions } from './publish';

export const UNPUBLISH_ACTION_ID = 'model-publishing:unpublish';

export function createUnpublishModelAction(
  options: ModelPublishingActionOptions,
) {
  const { client, appBaseUrl, permissions } = options;
  return createTemplateAction({
    id: UNPUBLISH_ACTION_ID,
    description:
      'Unpublishes a model: removes its gateway objects and invalidates its API keys, acting as the user who runs the template.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Unpublish a model',
        example: `steps:
  - id: unpublish
    name: Unpublish the model
    action: model-publishing:unpublish
    input:
      entityRef: component:default/fraud-detector`,
      },
    ],
    schema: {
      input: {
        entityRef: entityRefField,
      },
      output: {
        publicationId: z =>
          z.string().describe('Id of the publication that was removed'),
        status: z =>
          z
            .string()
            .describe("The publication's status afterwards (unpublished)"),
        publishTabUrl: z =>
          z.string().describe("Link to the model's Publish tab"),
      },
    },
    async handler(ctx) {
      const ref = parseModelRef(ctx.input.entityRef);
      const entityRef = stringifyEntityRef(ref);
      const links = publishingLinks(appBaseUrl, ref);
      const credentials = await ctx.getInitiatorCredentials();

      // Read first, as update does, so a model that is not published gets the same message in a
      // real run as in a dry run (the backend's DELETE would only answer a bare 404).
      const current = await requireLivePublication(
        client,
        credentials,
        ref,
        'unpublish',
      );
      let publication: Publication;
      if (ctx.isDryRun) {
        // Validate only: the model resolves, the caller can read it, it is published, and the
        // permission policy lets the caller delete it.
        await assertAllowed(
          permissions,
          credentials,
          publicationDeletePermission,
          entityRef,
          'unpublish',
        );
        publication = current;
        ctx.logger.info(
          `Dry run: would unpublish ${entityRef} (publication ${
            publication.id
          }, ${
            publication.objects?.length ?? 0
          } gateway object(s)). Nothing was changed.`,
        );
      } else {
        ctx.logger.info(
          `Unpublishing ${entityRef} (publication ${current.id})`,
        );
        ({ publication } = await client.unpublish(credentials, ref));
        ctx.logger.info(
          `Unpublished ${entityRef} (publication ${publication.id}, status ${publication.status})`,
        );
      }
      ctx.output('publicationId', publication.id);
      ctx.output('status', publication.status);
      ctx.output('publishTabUrl', links.publishTabUrl);
    },
  });
}
