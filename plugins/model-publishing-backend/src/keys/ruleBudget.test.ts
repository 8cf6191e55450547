import type { RateLimits } from '@model-publishing/plugin-model-publishing-common';
import { successorExpiry } from './KeyIssuing';
import { keyLimitsOf } from './keyRecords';
import { checkRuleBudget, givenLimits, limitsDiffer } from './ruleBudget';
import type { ApiKeyRecord } from './types';

const NOW = new Date('2026-12-05T12:00:00.000Z');

const record = (
  id: string,
  extra: Partial<ApiKeyRecord> = {},
): ApiKeyRecord => ({
  id,
  publicationId: 'pub-1',
  name: id,
  prefix: 'mpk_abcd',
  hash: 'hash',
  clientId: `key-${id}`,
  createdBy: 'user:default/frank',
  createdAt: NOW,
  ...extra,
});

const PUBLICATION = {
  config: { rateLimits: { requestsPerMinute: 60 } },
  modelKind: 'v2' as const,
};

describe('keyLimitsOf', () => {
  it('gives client ids and own limits, and links a rotated key to its live predecessor', () => {
    expect(
      keyLimitsOf([
        record('a'),
        record('b', { rateLimits: { requestsPerDay: 5 } }),
        record('c', { rotatedFrom: 'a' }),
        record('d', { rotatedFrom: 'gone' }),
      ]),
    ).toEqual([
      { clientId: 'key-a' },
      { clientId: 'key-b', rateLimits: { requestsPerDay: 5 } },
      { clientId: 'key-c', sharesBudgetWith: 'key-a' },
      { clientId: 'key-d' },
    ]);
  });
});

describe('checkRuleBudget', () => {
  it('accepts what the route can enforce', () => {
    expect(() =>
      checkRuleBudget(
        PUBLICATION,
        [record('a', { rateLimits: { requestsPerDay: 5 } })],
        'global',
      ),
    ).not.toThrow();
  });

  it('refuses token limits on a model without tokens, naming the key', () => {
    expect(() =>
      checkRuleBudget(
        PUBLICATION,
        [record('a', { rateLimits: { tokensPerMinute: 5 } })],
        'global',
      ),
    ).toThrow(/^keys\[key-a\]\.rateLimits\.tokensPerMinute: token limits/);
  });

  it('refuses more than 16 local rules', () => {
    const live = Array.from({ length: 17 }, (_, i) =>
      record(`k${i}`, { rateLimits: { requestsPerDay: i + 1 } }),
    );
    expect(() => checkRuleBudget(PUBLICATION, live, 'local')).toThrow(
      /at most 16 rules per route/,
    );
    expect(() => checkRuleBudget(PUBLICATION, live, 'global')).not.toThrow();
  });
});

describe('givenLimits and limitsDiffer', () => {
  it('keeps only the numbers given', () => {
    expect(
      givenLimits({
        requestsPerMinute: 5,
        requestsPerDay: undefined,
      } as RateLimits),
    ).toEqual({ requestsPerMinute: 5 });
  });

  it('treats no limits and {} alike, and any other difference as a change', () => {
    expect(limitsDiffer({}, undefined)).toBe(false);
    expect(
      limitsDiffer({ requestsPerMinute: 5 }, { requestsPerMinute: 5 }),
    ).toBe(false);
    expect(limitsDiffer({}, { requestsPerMinute: 5 })).toBe(true);
    expect(
      limitsDiffer({ requestsPerMinute: 6 }, { requestsPerMinute: 5 }),
    ).toBe(true);
  });
});

describe('successorExpiry', () => {
  it("gives a rotated key the old key's lifetime from now, or none", () => {
    const createdAt = new Date(NOW.getTime() - 10 * 86_400_000);
    const expiresAt = new Date(NOW.getTime() + 20 * 86_400_000);
    expect(successorExpiry({ createdAt, expiresAt }, NOW)).toEqual(
      new Date(NOW.getTime() + 30 * 86_400_000),
    );
    expect(successorExpiry({ createdAt }, NOW)).toBeUndefined();
  });
});
