/** A deprecation as the decisions below need it. */
export interface DeprecationTimes {
  deprecatedAt: Date;
  sunsetAt: Date;
  successorUrl?: string;
  remindedAt?: Date;
  sunsetDoneAt?: Date;
}

export interface ResponseHeader {
  name: string;
  value: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Consumers are reminded this long before the sunset (issue 21). */
export const REMINDER_DAYS = 7;

/**
 * The headers every response of a deprecated publication carries (pure):
 * - `Deprecation: @<unix seconds>` — RFC 9745 (a Structured Field Date: when the deprecation took effect);
 * - `Sunset: <HTTP-date>` — RFC 8594 (IMF-fixdate, as `Date.toUTCString` writes it);
 * - `Link: <successor>; rel="successor-version"` — RFC 5829's relation, when there is a successor.
 */
export function deprecationHeaders(
  d: Pick<DeprecationTimes, 'deprecatedAt' | 'sunsetAt' | 'successorUrl'>,
): ResponseHeader[] {
  return [
    {
      name: 'Deprecation',
      value: `@${Math.floor(d.deprecatedAt.getTime() / 1000)}`,
    },
    { name: 'Sunset', value: d.sunsetAt.toUTCString() },
    ...(d.successorUrl
      ? [
          {
            name: 'Link',
            value: `<${encodeURI(d.successorUrl)}>; rel="successor-version"`,
          },
        ]
      : []),
  ];
}

/** The reminder goes out once, from 7 days before the sunset until the sunset. */
export function reminderDue(d: DeprecationTimes, now: Date): boolean {
  return (
    !d.remindedAt &&
    !d.sunsetDoneAt &&
    now.getTime() >= d.sunsetAt.getTime() - REMINDER_DAYS * DAY_MS &&
    now < d.sunsetAt
  );
}

/** The sunset is carried out once, at or after its time. */
export function sunsetDue(d: DeprecationTimes, now: Date): boolean {
  return !d.sunsetDoneAt && now.getTime() >= d.sunsetAt.getTime();
}

/** Input check for a new sunset (400 naming the field). Undefined when acceptable. */
export function sunsetProblem(sunsetAt: Date, now: Date): string | undefined {
  if (Number.isNaN(sunsetAt.getTime())) return 'sunsetAt: not a date-time';
  if (sunsetAt <= now) return 'sunsetAt: must be in the future';
  if (sunsetAt.getTime() - now.getTime() > 2 * 366 * DAY_MS)
    return 'sunsetAt: at most 2 years ahead';
  return undefined;
}
