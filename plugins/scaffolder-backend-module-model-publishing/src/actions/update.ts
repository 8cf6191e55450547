import { stringifyEntityRef } from '@backstage/catalog-model';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  Publication,
  PublishConfig,
  publicationUpdatePermission,
} from '@model-publishing/plugin-model-publishing-common';
import {
  descriptionField,
  entityRefField,
  hostnameField,
  modelKindField,
  parseModelRef,
  plansField,
  PublishSettingsInput,
  rateLimitsField,
  toPublishConfig,
} from './inputs';
import { publishingLinks } from './links';
import { requireLivePublication } from './livePublication';
import { assertAllowed } from './permissionCheck';
import type { ModelPublishingActionOptions } from './publish';

export const UPDATE_ACTION_ID = 'model-publishing:update';

/**
 * The settings to PUT: the current ones, with each setting the template gives replacing the current
 * value. `rateLimits` and `plans` are each replaced as a whole, so a template can remove a limit or a
 * plan by leaving it out (keys on a removed plan keep its limits; the backend keeps the plan's row).
 * Pure, so the rule is tested directly.
 */
export function mergeUpdate(
  current: PublishConfig,
  input: PublishSettingsInput,
): PublishConfig {
  const { firstKey: _firstKey, ...kept } = current;
  return toPublishConfig({
    ...kept,
    ...Object.fromEntries(
      Object.entries(input).filter(([, v]) => v !== undefined),
    ),
  });
}

export function createUpdatePublicationAction(
  options: ModelPublishingActionOptions,
) {
  const { client, appBaseUrl, permissions } = options;
  return createTemplateAction({
    id: UPDATE_ACTION_ID,
    description:
      "Updates a published model's settings (limits, plans, hostname, description, kind), acting as the user who runs the template. Settings not given keep their current value; rateLimits, when given, replaces all limits, and plans, when given, replaces all plans.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Raise the request limits of a published model',
        example: `steps:
  - id: update
    name: Update limits
    action: model-publishing:update
    input:
      entityRef: component:default/fraud-detector
      rateLimits:
        requestsPerMinute: 120
        requestsPerDay: 50000`,
      },
      {
        description:
          'Offer a trial plan issued at once and a production plan the owners approve',
        example: `steps:
  - id: update
    name: Update plans
    action: model-publishing:update
    input:
      entityRef: component:default/fraud-detector
      plans:
        - name: trial
          description: Try the model
          approval: automatic
          maxKeyLifetimeDays: 30
          rateLimits:
            requestsPerDay: 100
        - name: production
          approval: manual
          rateLimits:
            requestsPerMinute: 600
            requestsPerMonth: 5000000`,
      },
    ],
    schema: {
      input: {
        entityRef: entityRefField,
        rateLimits: rateLimitsField,
        hostname: hostnameField,
        description: descriptionField,
        modelKind: modelKindField,
        plans: plansField,
      },
      output: {
        endpointUrl: z => z.string().optional().describe('Public endpoint URL'),
        publicationId: z => z.string().describe('Publication id'),
        publishTabUrl: z =>
          z.string().describe("Link to the model's Publish tab"),
        guideUrl: z => z.string().describe("Link to the model's API guide"),
      },
    },
    async handler(ctx) {
      const ref = parseModelRef(ctx.input.entityRef);
      const entityRef = stringifyEntityRef(ref);
      const { entityRef: _ref, ...settings } = ctx.input;
      // Validate what the template gave before any request, so bad input never reaches the backend.
      toPublishConfig(settings);
      const links = publishingLinks(appBaseUrl, ref);
      const credentials = await ctx.getInitiatorCredentials();

      const current = await requireLivePublication(
        client,
        credentials,
        ref,
        'update',
      );
      const config = mergeUpdate(current.config, settings);

      if (ctx.isDryRun) {
        await assertAllowed(
          permissions,
          credentials,
          publicationUpdatePermission,
          entityRef,
          'update the publication of',
        );
        ctx.logger.info(
          `Dry run: would update publication ${
            current.id
          } of ${entityRef} to limits ${JSON.stringify(
            config.rateLimits,
          )} and plans ${planNames(config)}. Nothing was changed.`,
        );
        outputs(ctx, current, links);
        return;
      }

      ctx.logger.info(`Updating publication ${current.id} of ${entityRef}`);
      const { publication } = await client.update(credentials, ref, config);
      ctx.logger.info(
        `Updated ${entityRef} (publication ${publication.id}, status ${publication.status})`,
      );
      outputs(ctx, publication, links);
    },
  });
}

function planNames(config: PublishConfig): string {
  const names = (config.plans ?? []).map(p => p.name);
  return names.length ? names.join(', ') : '(default only)';
}

function outputs(
  ctx: { output(name: string, value: string): void },
  publication: Publication,
  links: { publishTabUrl: string; guideUrl: string },
) {
  const endpointUrl = publication.endpoints?.[0]?.url;
  if (endpointUrl) ctx.output('endpointUrl', endpointUrl);
  ctx.output('publicationId', publication.id);
  ctx.output('publishTabUrl', links.publishTabUrl);
  ctx.output('guideUrl', links.guideUrl);
}
