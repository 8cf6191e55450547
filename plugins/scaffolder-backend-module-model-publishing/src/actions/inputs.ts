import { InputError } from '@backstage/errors';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  describeZodError,
  keyNameSchema,
  PublishConfig,
  publishConfigSchema,
  RateLimits,
} from '@model-publishing/plugin-model-publishing-common';
import type { z as zv3 } from 'zod/v3';

/** The zod the scaffolder hands to schema functions (zod/v3 API, turned into JSON Schema for the UI). */
type Z = typeof zv3;

export const entityRefField = (z: Z) =>
  z
    .string()
    .min(1)
    .describe(
      'Catalog entity ref of the model (an InferenceService entity), e.g. component:default/fraud-detector',
    );

const limitField = (z: Z, description: string) =>
  z
    .number()
    .int()
    .positive()
    .max(1_000_000_000)
    .optional()
    .describe(description);

export const rateLimitsField = (z: Z) =>
  z
    .object({
      requestsPerMinute: limitField(z, 'Requests per minute, per API key'),
      requestsPerHour: limitField(z, 'Requests per hour, per API key'),
      requestsPerDay: limitField(z, 'Requests per day, per API key'),
      tokensPerMinute: limitField(
        z,
        'Tokens per minute, per API key (OpenAI-compatible models only)',
      ),
      tokensPerHour: limitField(
        z,
        'Tokens per hour, per API key (OpenAI-compatible models only)',
      ),
      tokensPerDay: limitField(
        z,
        'Tokens per day, per API key (OpenAI-compatible models only)',
      ),
      // Envoy Gateway's RateLimitUnit Month: the rate-limit service's 30-day window.
      requestsPerMonth: limitField(z, 'Requests per month, per API key'),
      tokensPerMonth: limitField(
        z,
        'Tokens per month, per API key (OpenAI-compatible models only)',
      ),
    })
    .strict()
    .optional()
    .describe('Rate and token limits; omitted limits mean no limit');

/**
 * Plans consumers may request (docs/design.md §9), checked by the backend's own schema in toPublishConfig. Limits
 * per key on the plan, with per-month limits too; `default` is the publication's own rateLimits.
 */
export const plansField = (z: Z) =>
  z
    .array(
      z
        .object({
          name: z
            .string()
            .describe('Plan name: lower-case letters, digits, dashes'),
          description: z.string().optional().describe('What the plan is for'),
          rateLimits: z
            .record(z.string(), z.number())
            .optional()
            .describe(
              'requestsPerMinute/Hour/Day/Month, tokensPerMinute/Hour/Day/Month (per key)',
            ),
          approval: z
            .enum(['automatic', 'manual'])
            .optional()
            .describe(
              'automatic: the key at once; manual (default): the owners approve',
            ),
          maxKeyLifetimeDays: z
            .number()
            .optional()
            .describe('Longest a key on this plan lives, in days'),
        })
        .passthrough(),
    )
    .optional()
    .describe(
      "Plans consumers may request; edits of a plan's limits reach the keys issued on it",
    );

export const hostnameField = (z: Z) =>
  z
    .string()
    .optional()
    .describe('Public hostname, where the gateway allows one per model');
export const descriptionField = (z: Z) =>
  z.string().optional().describe('Short description shown in the API guide');
export const modelKindField = (z: Z) =>
  z
    .enum(['openai', 'v1', 'v2'])
    .optional()
    .describe('Confirms the model kind where detection is unsure');

/**
 * Parses the model's entity ref. Kind defaults to Component (what the catalog module emits for
 * InferenceServices); a bad ref is the template author's mistake, so InputError naming the field.
 */
export function parseModelRef(entityRef: unknown): CompoundEntityRef {
  if (typeof entityRef !== 'string' || !entityRef.trim()) {
    throw new InputError(
      'entityRef: the model entity ref is required, e.g. component:default/fraud-detector',
    );
  }
  try {
    return parseEntityRef(entityRef.trim(), {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(`entityRef: ${(error as Error).message}`);
  }
}

export interface PublishSettingsInput {
  rateLimits?: RateLimits;
  hostname?: string;
  description?: string;
  modelKind?: 'openai' | 'v1' | 'v2';
  plans?: unknown[];
}

/**
 * Validates the settings with the same schema the backend uses, so a bad value fails before any
 * request with a message naming the field. `firstKey` is never set: the publish response would then
 * carry a raw key, and task output and logs are stored (docs/design.md §4).
 */
export function toPublishConfig(input: PublishSettingsInput): PublishConfig {
  const candidate: Record<string, unknown> = {
    rateLimits: input.rateLimits ?? {},
  };
  for (const field of [
    'hostname',
    'description',
    'modelKind',
    'plans',
  ] as const) {
    if (input[field] !== undefined) candidate[field] = input[field];
  }
  const result = publishConfigSchema.safeParse(candidate);
  if (!result.success) {
    throw new InputError(`Invalid input: ${describeZodError(result.error)}`);
  }
  return result.data as PublishConfig;
}

/** The key name only labels the key the user creates on the Publish tab; still, reject nonsense early. */
export function checkKeyName(keyName: string | undefined): string | undefined {
  if (keyName === undefined || keyName === '') return undefined;
  const result = keyNameSchema.safeParse(keyName);
  if (!result.success) {
    throw new InputError(
      `Invalid input: keyName: ${describeZodError(result.error)}`,
    );
  }
  return result.data;
}

export { stringifyEntityRef };
