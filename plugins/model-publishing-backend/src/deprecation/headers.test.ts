import {
  deprecationHeaders,
  reminderDue,
  sunsetDue,
  sunsetProblem,
} from './headers';

const DAY = 24 * 3600 * 1000;

describe('deprecation headers and timing (pure)', () => {
  const deprecatedAt = new Date('2026-12-05T10:00:00.500Z');
  const sunsetAt = new Date('2027-01-31T00:00:00Z');

  it('Deprecation is an RFC 9745 date (@unix seconds), Sunset an RFC 8594 HTTP-date, Link the successor-version', () => {
    expect(
      deprecationHeaders({
        deprecatedAt,
        sunsetAt,
        successorUrl: 'https://models.example.com/models/ml/fraud v2',
      }),
    ).toEqual([
      { name: 'Deprecation', value: '@1796464800' },
      { name: 'Sunset', value: 'Sun, 31 Jan 2027 00:00:00 GMT' },
      {
        name: 'Link',
        value:
          '<https://models.example.com/models/ml/fraud%20v2>; rel="successor-version"',
      },
    ]);
    expect(
      deprecationHeaders({ deprecatedAt, sunsetAt }).map(h => h.name),
    ).toEqual(['Deprecation', 'Sunset']);
  });

  it('the reminder is due from 7 days before the sunset, once; the sunset at its time, once', () => {
    const d = { deprecatedAt, sunsetAt };
    expect(reminderDue(d, new Date(sunsetAt.getTime() - 7 * DAY - 1))).toBe(
      false,
    );
    expect(reminderDue(d, new Date(sunsetAt.getTime() - 7 * DAY))).toBe(true);
    expect(
      reminderDue(
        { ...d, remindedAt: deprecatedAt },
        new Date(sunsetAt.getTime() - DAY),
      ),
    ).toBe(false);
    expect(sunsetDue(d, new Date(sunsetAt.getTime() - 1))).toBe(false);
    expect(sunsetDue(d, sunsetAt)).toBe(true);
    expect(
      sunsetDue(
        { ...d, sunsetDoneAt: sunsetAt },
        new Date(sunsetAt.getTime() + DAY),
      ),
    ).toBe(false);
  });

  it('a sunset must be a future date at most 2 years ahead (the message names the field)', () => {
    expect(sunsetProblem(new Date('x'), deprecatedAt)).toBe(
      'sunsetAt: not a date-time',
    );
    expect(sunsetProblem(deprecatedAt, deprecatedAt)).toBe(
      'sunsetAt: must be in the future',
    );
    expect(
      sunsetProblem(new Date(deprecatedAt.getTime() + 800 * DAY), deprecatedAt),
    ).toBe('sunsetAt: at most 2 years ahead');
    expect(sunsetProblem(sunsetAt, deprecatedAt)).toBeUndefined();
  });
});
