import type { RateLimits } from '@model-publishing/plugin-model-publishing-common';
import { buildRateLimitRules } from '../gateway/backendTrafficPolicy';
import { keyLimitsOf } from './keyRecords';
import type { ApiKeyRecord, KeyPublication } from './types';

/**
 * Throws the InputError the publication's next BackendTrafficPolicy build would throw with these live
 * keys: token limits on a model without tokens, or more rules than the gateway allows (256 global /
 * 16 local). Checked before a key change is recorded, so a change the route cannot enforce is a 400.
 */
export function checkRuleBudget(
  publication: Pick<KeyPublication, 'config' | 'modelKind'>,
  live: ApiKeyRecord[],
  rateLimitMode: 'global' | 'local',
): void {
  buildRateLimitRules({
    config: publication.config,
    detection: { kind: publication.modelKind },
    gateway: { rateLimitMode },
    keys: keyLimitsOf(live),
  });
}

/** Only the numbers given; none at all means the key uses the publication's limits (`{}`). */
export function givenLimits(limits: RateLimits): RateLimits {
  return Object.fromEntries(
    Object.entries(limits).filter(([, v]) => typeof v === 'number'),
  );
}

/** Whether a key's new limits differ from the ones it has (none and `{}` are the same). */
export function limitsDiffer(
  next: RateLimits,
  current: RateLimits | undefined,
): boolean {
  return JSON.stringify(next) !== JSON.stringify(current ?? {});
}
