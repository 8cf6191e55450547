import { z } from 'zod';
import type { ApiKeyInfo, RateLimits } from './generated/models';

/** How a plan's requests are decided: at once, or by the model's owners. */
export type PlanApproval = 'automatic' | 'manual';

/** The name of the plan every publication has: its publish config's own limits (design §9). */
export const DEFAULT_PLAN_NAME = 'default';

/** A plan of a publication: what a consumer may ask for (design §9). */
export interface Plan {
  id: string;
  publicationId: string;
  /** Unique within the publication; `default` is the publication's own limits. */
  name: string;
  description?: string;
  rateLimits: RateLimits;
  approval: PlanApproval;
  /** Longest lifetime of a key issued on this plan; unset = no limit. */
  maxKeyLifetimeDays?: number;
  isDefault: boolean;
}

export type AccessRequestStatus =
  /** Waiting for an owner. */
  | 'pending'
  /** Approved; the requester collects the key (shown once). */
  | 'approved'
  /** The key was issued to the requester. */
  | 'issued'
  | 'denied';

/** An access request: who asks, for which consumer entity, on which plan, and what was decided. */
export interface AccessRequest {
  id: string;
  publicationId: string;
  /** The model's catalog entity. */
  entityRef: string;
  /** The requested plan, or the plan the approver chose instead. */
  planId: string;
  planName: string;
  purpose: string;
  /** The entity the key will belong to: the requester, a group they belong to, or a Component they own. */
  consumerRef: string;
  requester: string;
  status: AccessRequestStatus;
  /** Lifetime of the key in days, when the plan or the approver limits it. */
  keyLifetimeDays?: number;
  decidedBy?: string;
  decidedAt?: string;
  /** Why it was denied. */
  reason?: string;
  keyId?: string;
  createdAt: string;
}

/** A consumer-owned key with its plan, as its holder and the model's owners see it. */
export interface ConsumerKey {
  key: ApiKeyInfo;
  consumerRef: string;
  planId?: string;
  planName?: string;
  rateLimits: RateLimits;
  suspended: boolean;
  requestId?: string;
  entityRef?: string;
  publicationId: string;
  /** Model address, for links. */
  cluster: string;
  namespace: string;
  name: string;
  requests?: number;
}

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
      .min(10, 'purpose must say in a sentence what the model is used for (at least 10 characters)')
      .max(1000, 'purpose must be at most 1000 characters'),
    consumer: consumerRefSchema,
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
      reason: z.string().trim().min(1, 'reason is required when denying').max(1000),
    })
    .strict(),
]);

export type AccessRequestInput = z.infer<typeof accessRequestInputSchema>;
export type AccessDecisionInput = z.infer<typeof accessDecisionInputSchema>;
