import type { ApiKeyInfo } from '@model-publishing/plugin-model-publishing-common';

/** Days before expiry from which the keys table reminds the owner. */
export const EXPIRY_REMINDER_DAYS = 14;

const DAY_MS = 86_400_000;

/**
 * When a key stops working, as the keys table shows it: a rotated key in its grace period ends at
 * `graceUntil` (or its own expiry if that comes first); otherwise its expiry; none for a key that never
 * expires or no longer works.
 */
export function keyEndsAt(key: ApiKeyInfo): string | undefined {
  if (key.status === 'grace' && key.graceUntil) {
    if (key.expiresAt && key.expiresAt < key.graceUntil) return key.expiresAt;
    return key.graceUntil;
  }
  if (key.status === 'revoked') return key.revokedAt;
  return key.expiresAt;
}

/** "Expires in 3 days" for a key that still works and ends within EXPIRY_REMINDER_DAYS; else undefined. */
export function expiryReminder(
  key: ApiKeyInfo,
  now: Date = new Date(),
): string | undefined {
  if (key.status !== 'active' && key.status !== 'grace') return undefined;
  const end = keyEndsAt(key);
  if (!end) return undefined;
  const left = new Date(end).getTime() - now.getTime();
  if (Number.isNaN(left) || left < 0 || left > EXPIRY_REMINDER_DAYS * DAY_MS)
    return undefined;
  if (left < DAY_MS) {
    const hours = Math.max(1, Math.round(left / 3_600_000));
    return `Stops working in ${hours} hour${hours === 1 ? '' : 's'}`;
  }
  const days = Math.round(left / DAY_MS);
  return `Stops working in ${days} day${days === 1 ? '' : 's'}`;
}

/** The key id as shown: its first 8 characters (the full id is in the cell's title). */
export function shortKeyId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** How a key is named where several keys share a name: `name (mpk_AbCd…)`. */
export function keyLabel(key: Pick<ApiKeyInfo, 'name' | 'prefix'>): string {
  return `${key.name} (${key.prefix}…)`;
}
