import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { hashApiKey, safeEqualHash } from './keyFormat';
import {
  isConflictError,
  type KeySecretClient,
  type SecretObject,
  type SecretTarget,
} from './types';

/** A change to a publication's key Secret. Raw keys appear only in `add`; never log this. */
export interface SecretKeyChange {
  /** client id → raw key */
  add?: Record<string, string>;
  /** client ids to take out (absent ones are ignored) */
  remove?: string[];
}

export class DuplicateKeyValueError extends Error {
  name = 'DuplicateKeyValueError';
}

const encode = (key: string) => Buffer.from(key, 'utf8').toString('base64');
const decode = (value: string) => Buffer.from(value, 'base64').toString('utf8');

/**
 * Applies a change to Secret data (base64 values), pure. Two client ids with the same key break
 * Envoy's whole apiKeyAuth policy, so a new value equal to any other entry is refused. Values are
 * compared through their hashes in constant time.
 */
export function applyKeyChange(
  data: Record<string, string> | undefined,
  change: SecretKeyChange,
): { data: Record<string, string>; changed: boolean } {
  const next: Record<string, string> = { ...(data ?? {}) };
  let changed = false;
  for (const clientId of change.remove ?? []) {
    if (clientId in next) {
      delete next[clientId];
      changed = true;
    }
  }
  const additions = Object.entries(change.add ?? {});
  if (additions.length) {
    const existing = new Map(
      Object.entries(next).map(([clientId, value]) => [
        clientId,
        hashApiKey(decode(value)),
      ]),
    );
    const seen: string[] = [];
    for (const [clientId, key] of additions) {
      const hash = hashApiKey(key);
      for (const [other, otherHash] of existing) {
        if (other !== clientId && safeEqualHash(hash, otherHash)) {
          throw new DuplicateKeyValueError(
            `the key for ${clientId} equals the key of ${other}`,
          );
        }
      }
      if (seen.some(h => safeEqualHash(h, hash))) {
        throw new DuplicateKeyValueError(
          `two new keys in one change are equal (${clientId})`,
        );
      }
      seen.push(hash);
      const previous = existing.get(clientId);
      if (previous && safeEqualHash(previous, hash)) continue; // retried write that already landed
      next[clientId] = encode(key);
      existing.set(clientId, hash);
      changed = true;
    }
  }
  return { data: next, changed };
}

/** Secret data as client id → raw key. For the publishing service rebuilding the Secret. */
export function decodeKeyData(
  data: Record<string, string> | undefined,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data ?? {}).map(([k, v]) => [k, decode(v)]),
  );
}

export interface SecretWriteOptions {
  maxAttempts?: number;
  /** Upper bound of the random pause between attempts, ms (jitter spreads competing writers). */
  maxBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SecretWriteResult {
  /** How many read-modify-write attempts it took (1 = no conflict). */
  attempts: number;
  changed: boolean;
}

/** A cluster failure described without echoing anything the cluster sent back (it may contain data). */
export function describeClusterError(error: unknown): string {
  const e = error as {
    code?: unknown;
    statusCode?: unknown;
    body?: unknown;
    name?: unknown;
  };
  const status = e?.code ?? e?.statusCode;
  let reason: unknown;
  try {
    const body = typeof e?.body === 'string' ? JSON.parse(e.body) : e?.body;
    reason = (body as { reason?: unknown } | undefined)?.reason;
  } catch {
    reason = undefined;
  }
  const parts = [
    typeof status === 'number' ? `HTTP ${status}` : undefined,
    typeof reason === 'string' && /^[A-Za-z]+$/.test(reason)
      ? reason
      : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : 'the cluster request failed';
}

/** The cluster refused or failed a Secret call (503 to the caller; the message holds no data). */
export class SecretWriteError extends ServiceUnavailableError {}

/**
 * Read-modify-write of the key Secret with optimistic concurrency: each attempt re-reads the
 * Secret and re-applies the change to what is there now, then replaces it with the resourceVersion
 * it read. A 409 means someone else wrote in between; their entries are kept by re-reading.
 */
export async function writeSecretKeys(
  client: KeySecretClient,
  target: SecretTarget,
  change: SecretKeyChange,
  options: SecretWriteOptions = {},
): Promise<SecretWriteResult> {
  const maxAttempts = options.maxAttempts ?? 40;
  const maxBackoffMs = options.maxBackoffMs ?? 50;
  const sleep = options.sleep ?? (ms => new Promise(r => setTimeout(r, ms)));
  const where = `${target.namespace}/${target.name}`;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let current: SecretObject | undefined;
    try {
      current = await client.getSecret(target);
    } catch (error) {
      throw new SecretWriteError(
        `could not read Secret ${where}: ${describeClusterError(error)}`,
      );
    }
    if (!current) {
      throw new NotFoundError(
        `the key Secret ${where} does not exist; re-apply the publication to recreate it`,
      );
    }
    const { data, changed } = applyKeyChange(current.data, change);
    if (!changed) return { attempts: attempt, changed: false };
    const next: SecretObject = { ...current, data };
    delete next.stringData;
    try {
      await client.replaceSecret(target, next);
      return { attempts: attempt, changed: true };
    } catch (error) {
      if (!isConflictError(error)) {
        throw new SecretWriteError(
          `could not update Secret ${where}: ${describeClusterError(error)}`,
        );
      }
      await sleep(
        Math.floor(Math.random() * maxBackoffMs * Math.min(attempt, 4)),
      );
    }
  }
  throw new ConflictError(
    `the key Secret ${where} kept changing; gave up after ${maxAttempts} attempts, try again`,
  );
}
