import type { ApiKeyInfo } from '@model-publishing/plugin-model-publishing-common';
import type { ApiKeyRecord } from './types';

const reached = (at: Date | undefined, now: Date) =>
  !!at && at.getTime() <= now.getTime();

/** The status a caller sees. A rotated key past its grace counts as expired. */
export function keyStatus(
  record: ApiKeyRecord,
  now: Date,
): ApiKeyInfo['status'] {
  if (record.revokedAt) return 'revoked';
  if (reached(record.expiresAt, now) || reached(record.graceUntil, now))
    return 'expired';
  if (record.graceUntil) return 'grace';
  return 'active';
}

/** Whether Envoy should accept the key now (it belongs in the Secret). */
export function isLive(record: ApiKeyRecord, now: Date): boolean {
  const status = keyStatus(record, now);
  return (status === 'active' || status === 'grace') && !record.removedAt;
}

/** The public view of a key: prefix, name, dates; never the hash, never the key. */
export function toApiKeyInfo(record: ApiKeyRecord, now: Date): ApiKeyInfo {
  return {
    id: record.id,
    publicationId: record.publicationId,
    name: record.name,
    ...(record.description ? { description: record.description } : {}),
    prefix: record.prefix,
    clientId: record.clientId,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    ...(record.expiresAt ? { expiresAt: record.expiresAt.toISOString() } : {}),
    ...(record.revokedAt ? { revokedAt: record.revokedAt.toISOString() } : {}),
    ...(record.lastUsedAt
      ? { lastUsedAt: record.lastUsedAt.toISOString() }
      : {}),
    ...(record.rotatedFrom ? { rotatedFrom: record.rotatedFrom } : {}),
    ...(record.graceUntil
      ? { graceUntil: record.graceUntil.toISOString() }
      : {}),
    status: keyStatus(record, now),
    ...(record.rateLimits ? { rateLimits: record.rateLimits } : {}),
  };
}
