import type { RateLimits } from '@model-publishing/plugin-model-publishing-common';

const LABELS: [keyof RateLimits, string][] = [
  ['requestsPerMinute', 'req/min'],
  ['requestsPerHour', 'req/h'],
  ['requestsPerDay', 'req/day'],
  ['requestsPerMonth', 'req/month'],
  ['tokensPerMinute', 'tokens/min'],
  ['tokensPerHour', 'tokens/h'],
  ['tokensPerDay', 'tokens/day'],
  ['tokensPerMonth', 'tokens/month'],
];

/** "60 req/min, 5,000 req/day", or "no limits". */
export function describeLimits(limits: RateLimits | undefined): string {
  const parts = LABELS.filter(([k]) => typeof limits?.[k] === 'number').map(
    ([k, label]) => `${limits![k]!.toLocaleString('en-US')} ${label}`,
  );
  return parts.length ? parts.join(', ') : 'no limits';
}

/** `user:default/paul` → `paul`; other namespaces kept. */
export function shortRef(ref: string): string {
  return ref.replace(/^[a-z]+:default\//, '').replace(/^[a-z]+:/, '');
}
