import type {
  PublishableModelKind,
  UsagePrices,
} from '@model-publishing/plugin-model-publishing-common';

export type PriceField = keyof Required<UsagePrices>;
export type PriceValues = Record<PriceField, string>;
export type PriceErrors = Partial<Record<PriceField, string>>;

export const PRICE_LABELS: Record<PriceField, string> = {
  inputTokensPerMillion: 'Per 1M input tokens',
  outputTokensPerMillion: 'Per 1M output tokens',
  requestsPerThousand: 'Per 1,000 requests',
};

/** Token prices only mean something for LLMs. */
export function priceFields(
  kind: PublishableModelKind | undefined,
): PriceField[] {
  return kind === 'openai'
    ? ['inputTokensPerMillion', 'outputTokensPerMillion', 'requestsPerThousand']
    : ['requestsPerThousand'];
}

export function initialPrices(prices?: UsagePrices): PriceValues {
  const text = (n: number | undefined) => (n === undefined ? '' : String(n));
  return {
    inputTokensPerMillion: text(prices?.inputTokensPerMillion),
    outputTokensPerMillion: text(prices?.outputTokensPerMillion),
    requestsPerThousand: text(prices?.requestsPerThousand),
  };
}

const MAX_PRICE = 1_000_000;

/**
 * The publication's prices from the form (empty fields left out; no prices at all → undefined), or what
 * is wrong with each field in the form's words. The backend's limits: 0 to 1,000,000.
 */
export function pricesToConfig(
  values: PriceValues,
  kind: PublishableModelKind | undefined,
): { prices?: UsagePrices; errors: PriceErrors } {
  const errors: PriceErrors = {};
  const prices: UsagePrices = {};
  for (const field of priceFields(kind)) {
    const raw = values[field].trim();
    if (raw === '') continue;
    const n = Number(raw);
    if (!Number.isFinite(n)) errors[field] = 'Enter a number, e.g. 0.50';
    else if (n < 0) errors[field] = 'A price cannot be negative';
    else if (n > MAX_PRICE) errors[field] = 'At most 1,000,000';
    else prices[field] = n;
  }
  return Object.keys(prices).length > 0 ? { prices, errors } : { errors };
}
