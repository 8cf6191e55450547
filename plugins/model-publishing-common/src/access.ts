import { z } from 'zod';

/** How a plan's requests are decided: at once, or by the model's owners. */
export type PlanApproval = 'automatic' | 'manual';

/** The name of the plan every publication has: its publish config's own limits (docs/design.md §9). */
export const DEFAULT_PLAN_NAME = 'default';

const consumerRefSchema = z
  .string()
  .regex(
    /^(user|group|component):[a-z0-9-_.]+\/[a-zA-Z0-9-_.]+$/,
    'consumer must be an entity ref such as user:default/paul, group:default/team or component:default/app',
  );

export const accessRequestInputSchema = z
  .object({
    plan: z.string().min(1, 'plan is required'),
    purpose: z
      .string()
      .trim()
      .min(
        10,
        'purpose must say in a sentence what the model is used for (at least 10 characters)',
      )
      .max(1000, 'purpose must be at most 1000 characters'),
    consumer: consumerRefSchema,
    /** On an automatic plan, approve but leave the key to be collected (once) on the access page. */
    collectLater: z.boolean().optional(),
  })
  .strict();

export const accessDecisionInputSchema = z.discriminatedUnion('decision', [
  z
    .object({
      decision: z.literal('approve'),
      plan: z.string().min(1).optional(),
      keyLifetimeDays: z.number().int().positive().max(3650).optional(),
    })
    .strict(),
  z
    .object({
      decision: z.literal('deny'),
      reason: z
        .string()
        .trim()
        .min(1, 'reason is required when denying')
        .max(1000),
    })
    .strict(),
]);

export type AccessRequestInput = z.infer<typeof accessRequestInputSchema>;
export type AccessDecisionInput = z.infer<typeof accessDecisionInputSchema>;
