import { MAX_EXAMPLE_BYTES } from './example';
import { z } from 'zod';

const limit = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .positive(`${what} must be greater than 0`)
    .max(1_000_000_000, `${what} must be at most 1,000,000,000`)
    .optional();

export const rateLimitsSchema = z
  .object({
    requestsPerMinute: limit('requestsPerMinute'),
    requestsPerHour: limit('requestsPerHour'),
    requestsPerDay: limit('requestsPerDay'),
    tokensPerMinute: limit('tokensPerMinute'),
    tokensPerHour: limit('tokensPerHour'),
    tokensPerDay: limit('tokensPerDay'),
    requestsPerMonth: limit('requestsPerMonth'),
    tokensPerMonth: limit('tokensPerMonth'),
  })
  .strict();

/** RFC 1123 host name, as Gateway API requires for HTTPRoute / AIGatewayRoute hostnames. */
export const hostnameSchema = z
  .string()
  .max(253, 'hostname must be at most 253 characters')
  .regex(
    /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'hostname must be a lower-case DNS name such as models.example.com',
  );

export const keyNameSchema = z
  .string()
  .min(1, 'key name must not be empty')
  .max(63, 'key name must be at most 63 characters')
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9 ._-]*$/,
    'key name may contain letters, digits, spaces, dots, dashes and underscores',
  );

export const expiresAtSchema = z.iso.datetime({
  offset: true,
  error: 'expiresAt must be an ISO 8601 date-time',
});

export const planInputSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/,
        'plan name must be 1-40 lower-case letters, digits or dashes',
      ),
    description: z
      .string()
      .max(500, 'description must be at most 500 characters')
      .optional(),
    rateLimits: rateLimitsSchema.default({}),
    approval: z.enum(['automatic', 'manual']).default('manual'),
    maxKeyLifetimeDays: z.number().int().positive().max(3650).optional(),
  })
  .strict();

/**
 * The rules of a publish config's plans that no schema states (openapi.yaml says each plan's shape): names
 * are unique and the default plan takes its limits from the config's own rateLimits. One message per
 * broken rule; used by the form, the scaffolder and the backend.
 */
export function planRuleViolations(
  plans: { name: string; rateLimits?: object }[],
): string[] {
  const violations: string[] = [];
  if (new Set(plans.map(p => p.name)).size !== plans.length)
    violations.push('plan names must be unique');
  if (
    plans.some(
      p =>
        p.name === 'default' &&
        p.rateLimits &&
        Object.keys(p.rateLimits).length,
    )
  ) {
    violations.push(
      "the default plan's limits are the publication's rateLimits: set them there",
    );
  }
  return violations;
}

export const plansInputSchema = z
  .array(planInputSchema)
  .max(20, 'at most 20 plans')
  .superRefine((plans, ctx) => {
    for (const message of planRuleViolations(plans))
      ctx.addIssue({ code: 'custom', message });
  });

const price = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .min(0, `${what} must not be negative`)
    .max(1_000_000, `${what} must be at most 1,000,000`)
    .optional();

/** Prices of a publication's traffic, in the portal's currency (modelPublishing.usage.currency). */
export const usagePricesSchema = z
  .object({
    inputTokensPerMillion: price('inputTokensPerMillion'),
    outputTokensPerMillion: price('outputTokensPerMillion'),
    requestsPerThousand: price('requestsPerThousand'),
  })
  .strict();

export const publishConfigSchema = z
  .object({
    rateLimits: rateLimitsSchema.default({}),
    firstKey: z
      .object({ name: keyNameSchema, expiresAt: expiresAtSchema.optional() })
      .strict()
      .optional(),
    hostname: hostnameSchema.optional(),
    description: z
      .string()
      .max(1000, 'description must be at most 1000 characters')
      .optional(),
    modelKind: z.enum(['openai', 'v1', 'v2']).optional(),
    plans: plansInputSchema.optional(),
    prices: usagePricesSchema.optional(),
    // Checked against the model's kind by exampleProblem where the kind is known (the backend's publish rules).
    example: z
      .record(z.string(), z.unknown())
      .refine(
        v => JSON.stringify(v).length <= MAX_EXAMPLE_BYTES,
        `example must be at most ${MAX_EXAMPLE_BYTES} bytes as JSON`,
      )
      .optional(),
  })
  .strict();

export type PublishConfigInput = z.input<typeof publishConfigSchema>;

/** Formats a zod error as one message that names each bad field, for 400 responses and forms. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map(issue => {
      const path = issue.path.join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
