import { bucketAfterKey, bucketAt, readout } from './LineChart';
import { customRangeError, customRangeQuery } from './customRange';
import { formatSeconds, latencyRows } from './latency';
import { keyLabels, keySeries, MAX_KEY_LINES } from './perKey';
import { usageTotals } from '../../__testUtils__/testUtils';

const bucket = (requests: number, errors = 0) => ({
  start: '2026-11-25T10:00:00Z',
  requests,
  status401: 0,
  status403: 0,
  status429: errors,
  status4xxOther: 0,
  status5xx: 0,
  inputTokens: requests * 2,
  outputTokens: requests,
});

describe('custom range', () => {
  const now = new Date('2026-12-05T12:00:00');

  it('asks from the first day’s local midnight to the midnight after the last day, hourly up to a week', () => {
    const week = customRangeQuery({ from: '2026-11-01', to: '2026-11-07' });
    expect(week).toEqual({
      from: new Date('2026-11-01T00:00:00').toISOString(),
      to: new Date('2026-11-08T00:00:00').toISOString(),
      granularity: 'hour',
    });
    expect(
      customRangeQuery({ from: '2026-11-01', to: '2026-11-08' }).granularity,
    ).toBe('day');
    const oneDay = customRangeQuery({ from: '2026-12-05', to: '2026-12-05' });
    expect(
      new Date(oneDay.to).getTime() - new Date(oneDay.from).getTime(),
    ).toBe(24 * 3600 * 1000);
  });

  it('names what is wrong in the picker’s words', () => {
    expect(customRangeError({ from: '', to: '2026-12-01' }, now)).toBe(
      'Enter a start date.',
    );
    expect(customRangeError({ from: '2026-12-01', to: '' }, now)).toBe(
      'Enter an end date.',
    );
    expect(
      customRangeError({ from: '2026-12-03', to: '2026-12-01' }, now),
    ).toBe('The end date is before the start date.');
    expect(
      customRangeError({ from: '2026-12-06', to: '2026-12-07' }, now),
    ).toBe('The start date is in the future.');
    expect(
      customRangeError({ from: '2024-01-01', to: '2026-12-01' }, now),
    ).toMatch(/^Choose at most 400 days/);
    expect(
      customRangeError({ from: '2026-11-01', to: '2026-12-05' }, now),
    ).toBeUndefined();
  });
});

describe('chart hover and keys', () => {
  it('maps a pointer position to the nearest bucket, clamped to the plot', () => {
    expect(bucketAt(0, 24)).toBe(0);
    expect(bucketAt(1, 24)).toBe(23);
    expect(bucketAt(0.5, 3)).toBe(1);
    expect(bucketAt(0.5, 1)).toBe(0);
  });

  it('moves with arrows, Home/End and PageUp/PageDown, starts at the newest, clears on Escape', () => {
    expect(bucketAfterKey('ArrowLeft', undefined, 5)).toBe(4);
    expect(bucketAfterKey('ArrowLeft', 4, 5)).toBe(3);
    expect(bucketAfterKey('ArrowLeft', 0, 5)).toBe(0);
    expect(bucketAfterKey('ArrowRight', 4, 5)).toBe(4);
    expect(bucketAfterKey('Home', 3, 5)).toBe(0);
    expect(bucketAfterKey('End', 0, 5)).toBe(4);
    expect(bucketAfterKey('PageUp', 4, 30)).toBe(0);
    expect(bucketAfterKey('PageDown', 0, 30)).toBe(10);
    expect(bucketAfterKey('Escape', 3, 5)).toBeUndefined();
    expect(bucketAfterKey('Tab', 3, 5)).toBe('unhandled');
  });

  it('reads one bucket’s values of every series', () => {
    expect(
      readout(
        ['10:00', '11:00'],
        [
          { name: 'Requests', values: [100, 1234] },
          { name: 'Errors', values: [3, 0] },
        ],
        1,
        n => String(n),
      ),
    ).toBe('11:00: Requests 1234, Errors 0');
  });
});

describe('latency', () => {
  it('formats seconds as ms below a second', () => {
    expect(formatSeconds(0.0853)).toBe('85 ms');
    expect(formatSeconds(0.0042)).toBe('4.2 ms');
    expect(formatSeconds(1.254)).toBe('1.25 s');
  });

  it('keeps one row per metric, exact access-log figures first; TTFT/TPOT only for LLMs', () => {
    const rows = [
      {
        metric: 'ttft',
        count: 5,
        p50: 0.1,
        p95: 0.2,
        p99: 0.3,
        source: 'prometheus',
      },
      {
        metric: 'request',
        count: 9,
        p50: 1,
        p95: 2,
        p99: 3,
        source: 'prometheus',
      },
      {
        metric: 'request',
        count: 9,
        p50: 0.9,
        p95: 1.9,
        p99: 2.9,
        source: 'access-log',
      },
    ] as const;
    expect(latencyRows([...rows], true).map(r => [r.metric, r.source])).toEqual(
      [
        ['request', 'access-log'],
        ['ttft', 'prometheus'],
      ],
    );
    expect(latencyRows([...rows], false).map(r => r.metric)).toEqual([
      'request',
    ]);
  });
});

describe('per-key series', () => {
  it('draws the busiest keys first, sums the rest into Other keys, and tells same-named keys apart', () => {
    const keys = Array.from({ length: MAX_KEY_LINES + 2 }, (_, i) => ({
      clientId: `key-${i}`,
      keyId: `id-${i}-abcdefgh`,
      keyName: i < 2 ? 'ci-client' : `key ${i}`,
      totals: usageTotals({ requests: (i + 1) * 2 }),
      buckets: [bucket(i + 1), bucket(i + 1)],
    }));
    const series = keySeries(keys, 'requests');
    expect(series.map(s => s.name)).toEqual([
      'key 6',
      'key 5',
      'key 4',
      'key 3',
      'key 2',
      'Other keys (2)',
    ]);
    expect(series[0].values).toEqual([7, 7]);
    // keys 0 and 1 (1 + 2 requests per bucket) in one line
    expect(series[5].values).toEqual([3, 3]);
    expect(keyLabels(keys).get('key-0')).toBe('ci-client (id-0-abc)');
    expect(keyLabels([{ clientId: '' }]).get('')).toBe('No valid key');
    expect(keySeries(keys, 'tokens')[0].values).toEqual([21, 21]);
  });

  it('leaves out keys without buckets or without traffic', () => {
    expect(
      keySeries(
        [
          { clientId: 'key-a', keyName: 'a', totals: usageTotals() },
          {
            clientId: 'key-b',
            keyName: 'b',
            totals: usageTotals(),
            buckets: [bucket(0)],
          },
        ],
        'requests',
      ),
    ).toEqual([]);
  });
});
