import { z } from 'zod';
import { InputError } from '@backstage/errors';
import {
  describeZodError,
  expiresAtSchema,
  keyNameSchema,
  rateLimitsSchema,
} from '@model-publishing/plugin-model-publishing-common';

export const createKeyBodySchema = z
  .object({
    name: keyNameSchema,
    expiresAt: expiresAtSchema.optional(),
    rateLimits: rateLimitsSchema.optional(),
  })
  .strict();

export const rotateKeyBodySchema = z
  .object({
    gracePeriodHours: z
      .number({ error: 'gracePeriodHours must be a number' })
      .min(0, 'gracePeriodHours must be 0 (revoke now) or more')
      .max(720, 'gracePeriodHours must be at most 720 (30 days)')
      .optional(),
  })
  .strict();

export type CreateKeyBody = z.infer<typeof createKeyBodySchema>;
export type RotateKeyBody = z.infer<typeof rotateKeyBodySchema>;

/** Parses a request body, or throws a 400 naming each bad field. The body is never echoed. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw new InputError(describeZodError(result.error));
  return result.data;
}
