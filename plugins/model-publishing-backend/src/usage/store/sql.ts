import type { Knex } from 'knex';
import { COUNTERS, Counters, HourRow, zeroCounters } from '../types';

/** Database column of each counter. */
export const COLUMN: Record<(typeof COUNTERS)[number], string> = {
  requests: 'requests',
  status401: 'status_401',
  status403: 'status_403',
  status429: 'status_429',
  status4xxOther: 'status_4xx_other',
  status5xx: 'status_5xx',
  inputTokens: 'input_tokens',
  outputTokens: 'output_tokens',
};
export const COLUMNS = COUNTERS.map(c => COLUMN[c]);

/** Rows per multi-row statement: far below SQLite's 32766 bound variables. */
export const CHUNK = 400;

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/** PostgreSQL returns bigint and SUM() as strings. */
export function toCounters(row: Record<string, unknown>): Counters {
  const c = zeroCounters();
  for (const k of COUNTERS) c[k] = Number(row[COLUMN[k]] ?? 0);
  return c;
}

export function toDbRow(row: HourRow) {
  const out: Record<string, string | number> = {
    publication_id: row.publicationId,
    client_id: row.clientId,
    hour: row.hour,
  };
  for (const k of COUNTERS) out[COLUMN[k]] = row[k];
  return out;
}

export function isPostgres(db: Knex | Knex.Transaction): boolean {
  return /^(pg|postgres)/.test(String(db.client.config.client));
}

/** Rows of a raw query: better-sqlite3 answers an array, pg a result object. */
export function rawRows(result: unknown): Record<string, unknown>[] {
  return Array.isArray(result)
    ? result
    : (result as { rows: Record<string, unknown>[] }).rows;
}

/** Range of hours [from, to) or days [from, to). */
export interface BucketRange {
  from: number;
  to: number;
}

/**
 * An hour range as the whole days inside it (read from a daily table) and its ragged ends (read hourly):
 * 24 times fewer rows for long ranges.
 */
export function splitHourRange(range: BucketRange): {
  daily?: BucketRange;
  hourly: BucketRange[];
} {
  const firstDay = Math.ceil(range.from / 24);
  const endDay = Math.floor(range.to / 24);
  if (endDay <= firstDay) return { hourly: [range] };
  const hourly: BucketRange[] = [];
  if (range.from < firstDay * 24)
    hourly.push({ from: range.from, to: firstDay * 24 });
  if (endDay * 24 < range.to) hourly.push({ from: endDay * 24, to: range.to });
  return { daily: { from: firstDay, to: endDay }, hourly };
}
