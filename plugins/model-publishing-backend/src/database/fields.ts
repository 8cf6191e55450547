import { toDate } from './util';

/** A record leaves out its optional fields that are not set: undefined, null (a NULL column) or ''. */
const isSet = (value: unknown) =>
  value !== undefined && value !== null && value !== '';

/** The column of a record's field: the tables name every column as its field in snake_case. */
export const columnOf = (field: string) =>
  field.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`);

/** The `fields` of `from` that are set, e.g. the optional fields a record copies from another. */
export function setFields<T extends object, K extends keyof T>(
  from: T,
  fields: readonly K[],
): { [P in K]?: Exclude<T[P], null | undefined> } {
  const out: { [P in K]?: T[P] } = {};
  for (const field of fields) if (isSet(from[field])) out[field] = from[field];
  return out as { [P in K]?: Exclude<T[P], null | undefined> };
}

/** The columns of a row to write: `fields` of `record`, each under its column (publicationId → publication_id), unset as NULL. */
export function rowOf<T extends object>(
  record: T,
  fields: readonly (keyof T & string)[],
): Record<string, unknown> {
  return Object.fromEntries(
    fields.map(field => [columnOf(field), record[field] ?? null]),
  );
}

/**
 * `fields` of `T` read from their columns of a row as the database returns it (publication_id →
 * publicationId), and `dates`, timestamp columns, as Dates (SQLite's epoch ms, PostgreSQL's Date).
 * A NULL or empty column is left out: the field is one of T's optional ones (the schema makes the
 * others NOT NULL).
 */
export function fieldsOfRow<T extends object>(
  row: object,
  fields: readonly (keyof T & string)[],
  dates: readonly (keyof T & string)[] = [],
): T {
  const columns = row as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = columns[columnOf(field)];
    if (isSet(value)) out[field] = value;
  }
  for (const field of dates) {
    const value = columns[columnOf(field)];
    if (isSet(value)) out[field] = toDate(value);
  }
  return out as T;
}
