import type { UsageGranularity } from '../../api/types';

/** A range the user picks: whole local days, both ends included (`YYYY-MM-DD`). */
export interface CustomRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
/** Up to a week is drawn per hour; longer ranges per day. */
export const HOURLY_UP_TO_DAYS = 7;
/** The backend keeps daily rows for about this long (dailyRetentionDays 400) and refuses > 800 days. */
export const MAX_CUSTOM_DAYS = 400;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function localMidnight(date: string): Date | undefined {
  if (!DATE.test(date)) return undefined;
  const d = new Date(`${date}T00:00:00`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** What is wrong with a custom range, in the picker's words; undefined when it can be asked for. */
export function customRangeError(
  range: CustomRange,
  now: Date = new Date(),
): string | undefined {
  const from = localMidnight(range.from);
  const to = localMidnight(range.to);
  if (!from) return 'Enter a start date.';
  if (!to) return 'Enter an end date.';
  if (to < from) return 'The end date is before the start date.';
  if (from > now) return 'The start date is in the future.';
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS) + 1;
  if (days > MAX_CUSTOM_DAYS)
    return `Choose at most ${MAX_CUSTOM_DAYS} days (this range has ${days}).`;
  return undefined;
}

/** The usage query for a custom range: local midnight of `from` to the local midnight after `to`. */
export function customRangeQuery(range: CustomRange): {
  from: string;
  to: string;
  granularity: UsageGranularity;
} {
  const from = localMidnight(range.from)!;
  const end = localMidnight(range.to)!;
  const to = new Date(end);
  to.setDate(to.getDate() + 1);
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    granularity: days <= HOURLY_UP_TO_DAYS ? 'hour' : 'day',
  };
}

/** `YYYY-MM-DD` of a date in local time (for date inputs). */
export function localDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(
    date.getDate(),
  )}`;
}
