import { usageTotals } from '../../__testUtils__/testUtils';
import type { UsageQuotaAlert } from '../../api/types';
import {
  alertMessage,
  alertSeverity,
  rangeQuery,
  requestsByKey,
  sortedAlerts,
  totals,
} from './usageRange';

const bucket = (requests: number, errs: number, tokens = 0) => ({
  start: '2026-11-25T00:00:00Z',
  requests,
  status401: errs,
  status403: 0,
  status429: errs,
  status4xxOther: 0,
  status5xx: 0,
  inputTokens: tokens,
  outputTokens: tokens * 2,
});

const alert = (overrides: Partial<UsageQuotaAlert>): UsageQuotaAlert => ({
  scope: 'key',
  keyId: 'k1',
  clientId: 'key-k1',
  metric: 'requests',
  window: 'day',
  windowStart: '2026-11-25T00:00:00Z',
  limit: 1000,
  used: 850,
  threshold: 80,
  ...overrides,
});

describe('usage helpers', () => {
  it('computes range queries', () => {
    const now = new Date('2026-11-26T12:00:00Z');
    expect(rangeQuery('24h', now)).toEqual({
      from: '2026-11-25T12:00:00.000Z',
      to: '2026-11-26T12:00:00.000Z',
      granularity: 'hour',
    });
    expect(rangeQuery('30d', now).granularity).toBe('day');
    expect(rangeQuery('7d', now).from).toBe('2026-11-19T12:00:00.000Z');
  });

  it('totals buckets', () => {
    expect(totals([bucket(10, 1, 5), bucket(5, 2, 1)])).toEqual({
      requests: 15,
      errors: 6,
      status429: 3,
      inputTokens: 6,
      outputTokens: 12,
    });
  });

  it('maps requests by key id, skipping clients that are not our keys', () => {
    expect(
      requestsByKey({
        keys: [
          {
            clientId: 'key-a',
            keyId: 'a',
            totals: usageTotals({ requests: 3 }),
          },
          { clientId: '', totals: usageTotals({ requests: 9 }) },
        ],
      }),
    ).toEqual({ a: 3 });
    expect(requestsByKey(undefined)).toBeUndefined();
  });

  it('orders reached limits first and words alerts with the key name', () => {
    const sorted = sortedAlerts([
      alert({}),
      alert({ threshold: 100, used: 1000 }),
    ]);
    expect(sorted.map(a => a.threshold)).toEqual([100, 80]);
    expect(alertSeverity(sorted[0])).toBe('error');
    expect(alertSeverity(sorted[1])).toBe('warning');
    expect(alertMessage(alert({}), { k1: 'ci-client' })).toBe(
      'Key ci-client used 85% of its requests-per-day limit (850 of 1,000) in the day starting 2026-11-25T00:00:00Z.',
    );
    expect(
      alertMessage(
        alert({
          scope: 'publication',
          keyId: undefined,
          metric: 'tokens',
          window: 'hour',
          threshold: 100,
          used: 1200,
        }),
      ),
    ).toMatch(/^The publication reached 120% of its tokens-per-hour limit/);
  });
});
