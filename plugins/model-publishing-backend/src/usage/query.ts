import type { UsageGranularity } from '@model-publishing/plugin-model-publishing-common';
import { InputError } from '@backstage/errors';
import { DAY_MS, HOUR_MS } from './time';

export interface UsageQuery {
  from: Date;
  to: Date;
  granularity: UsageGranularity;
}

/** Longest ranges a report may span, so one request cannot ask for an unbounded series. */
export const MAX_BUCKETS: Record<UsageGranularity, number> = {
  hour: 24 * 92,
  day: 800,
};

/** Bucket range [from, to) covering the instants [from, to). */
export function bucketRange(q: UsageQuery): { from: number; to: number } {
  const size = q.granularity === 'hour' ? HOUR_MS : DAY_MS;
  return {
    from: Math.floor(q.from.getTime() / size),
    to: Math.ceil(q.to.getTime() / size),
  };
}

/** Checks a query; errors name the query parameter. */
export function checkUsageQuery(q: UsageQuery): void {
  if (!(q.from.getTime() < q.to.getTime()))
    throw new InputError('from: must be before to');
  const range = bucketRange(q);
  if (range.to - range.from > MAX_BUCKETS[q.granularity]) {
    throw new InputError(
      `to: the range spans ${range.to - range.from} ${
        q.granularity
      }s; at most ${MAX_BUCKETS[q.granularity]} are allowed`,
    );
  }
}
