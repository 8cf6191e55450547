import { InputError } from '@backstage/errors';

/** Reads a timestamp column the same way on SQLite (epoch ms) and PostgreSQL (Date). */
export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return new Date(Number(value));
  return new Date(String(value));
}

export function toIso(value: unknown): string {
  return toDate(value).toISOString();
}

/** True when a driver error is a unique-constraint violation (PostgreSQL 23505, SQLite CONSTRAINT_UNIQUE). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed|duplicate key value/i.test(e?.message ?? '')
  );
}

/** Keyset cursor over (created_at, id), opaque to callers. */
export interface Cursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.createdAt.getTime()}:${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(value: string | undefined, field = 'cursor'): Cursor | undefined {
  if (!value) return undefined;
  const text = Buffer.from(value, 'base64url').toString('utf8');
  const match = /^(\d{1,15}):([A-Za-z0-9-]{1,64})$/.exec(text);
  if (!match) throw new InputError(`${field}: not a cursor returned by this API`);
  return { createdAt: new Date(Number(match[1])), id: match[2] };
}
