import type { UsagePrices } from '@model-publishing/plugin-model-publishing-common';
import type { Counters } from '../types';

/** Requests the model served: refusals by the gateway (401, 403, 429) are not billed. */
export function billableRequests(
  c: Pick<Counters, 'requests' | 'status401' | 'status403' | 'status429'>,
): number {
  return Math.max(0, c.requests - c.status401 - c.status403 - c.status429);
}

/**
 * What traffic costs at the given prices: billable requests per 1,000, input and output tokens per
 * 1,000,000. Unrounded: sums are rounded once, where they are shown (roundCost).
 */
export function costOf(
  c: Pick<
    Counters,
    | 'requests'
    | 'status401'
    | 'status403'
    | 'status429'
    | 'inputTokens'
    | 'outputTokens'
  >,
  prices: UsagePrices | undefined,
): number {
  if (!prices) return 0;
  return (
    (billableRequests(c) / 1_000) * (prices.requestsPerThousand ?? 0) +
    (c.inputTokens / 1_000_000) * (prices.inputTokensPerMillion ?? 0) +
    (c.outputTokens / 1_000_000) * (prices.outputTokensPerMillion ?? 0)
  );
}

/** Costs as shown and exported: to a millionth of the currency unit (no float noise in totals). */
export function roundCost(amount: number): number {
  return Math.round(amount * 1e6) / 1e6;
}

/** Whether any price is set. */
export function hasPrices(prices: UsagePrices | undefined): boolean {
  return (
    !!prices &&
    [
      prices.inputTokensPerMillion,
      prices.outputTokensPerMillion,
      prices.requestsPerThousand,
    ].some(p => p !== undefined && p > 0)
  );
}
