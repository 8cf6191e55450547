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

export const expiresAtSchema = z.iso.datetime({ offset: true, error: 'expiresAt must be an ISO 8601 date-time' });

export const publishConfigSchema = z
  .object({
    rateLimits: rateLimitsSchema.default({}),
    firstKey: z
      .object({ name: keyNameSchema, expiresAt: expiresAtSchema.optional() })
      .strict()
      .optional(),
    hostname: hostnameSchema.optional(),
    description: z.string().max(1000, 'description must be at most 1000 characters').optional(),
    modelKind: z.enum(['openai', 'v1', 'v2']).optional(),
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
