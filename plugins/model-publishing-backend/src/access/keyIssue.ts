import { parseEntityRef } from '@backstage/catalog-model';
import type {
  AccessRequest,
  Plan,
} from '@model-publishing/plugin-model-publishing-common';
import { DAY_MS, type AccessKeys } from './types';

/** Shortest of the plan's maximum and the approver's choice; undefined = no expiry. */
export function keyLifetimeDays(
  plan: Pick<Plan, 'maxKeyLifetimeDays'>,
  chosen?: number,
): number | undefined {
  const limits = [plan.maxKeyLifetimeDays, chosen].filter(
    (d): d is number => typeof d === 'number',
  );
  return limits.length ? Math.min(...limits) : undefined;
}

/**
 * The key an approved request gets: named after its consumer and request, living the approved
 * lifetime (or less, when the caller caps it), and with the plan's limits unless the plan is the
 * default one, whose keys follow the publication's own per-client rules.
 */
export function keyForRequest(
  request: Pick<AccessRequest, 'id' | 'consumerRef' | 'keyLifetimeDays'>,
  plan: Pick<Plan, 'isDefault' | 'rateLimits'>,
  now: Date,
  maxLifetimeMs?: number,
): Omit<Parameters<AccessKeys['create']>[0], 'publicationId'> {
  const lifetimeMs = [
    request.keyLifetimeDays && request.keyLifetimeDays * DAY_MS,
    maxLifetimeMs,
  ].filter((ms): ms is number => typeof ms === 'number' && ms > 0);
  return {
    name: `${parseEntityRef(request.consumerRef).name}-${request.id.slice(
      0,
      8,
    )}`.slice(0, 63),
    ...(lifetimeMs.length
      ? {
          expiresAt: new Date(
            now.getTime() + Math.min(...lifetimeMs),
          ).toISOString(),
        }
      : {}),
    ...(plan.isDefault ? {} : { rateLimits: plan.rateLimits }),
  };
}
