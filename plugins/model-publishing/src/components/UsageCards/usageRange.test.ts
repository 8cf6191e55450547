import {
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
  status5xx: 0,
  inputTokens: tokens,
  outputTokens: tokens * 2,
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

  it('maps requests by key and orders exceeded alerts first', () => {
    expect(
      requestsByKey({
        perKey: [{ keyId: 'a', requests: 3 }, { clientId: 'x' }],
      }),
    ).toEqual({ a: 3 });
    expect(requestsByKey({})).toBeUndefined();
    const alerts = sortedAlerts({
      alerts: [
        { message: 'w', percent: 80 },
        { message: 'e', percent: 100 },
      ],
    });
    expect(alerts.map(a => a.message)).toEqual(['e', 'w']);
    expect(alertSeverity({ level: 'warning', percent: 85 })).toBe('warning');
    expect(alertSeverity({ level: 'exceeded' })).toBe('error');
  });
});
