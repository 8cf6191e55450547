import { hashApiKey, isWellFormedApiKey } from '../keys/keyFormat';

/** The partner protocol's labels for a reported token (GitHub secret scanning). */
export type LeakLabel = 'true_positive' | 'false_positive';

/** One entry of GitHub's report: `[{ token, type, url, source }]`. */
export interface LeakFinding {
  token: string;
  type?: string;
  url?: string;
  source?: string;
}

/** One entry of the answer: the token named by its SHA-256, never echoed. */
export interface LeakVerdict {
  token_hash: string;
  token_type: string;
  label: LeakLabel;
}

/**
 * How a reported token is handled, decided before any database read: only a token with our prefix,
 * length, alphabet and a matching CRC32 checksum can be one of our keys (keys/keyFormat.ts), so a
 * look-alike (`mpk_` + 38 characters with a wrong checksum) is a false positive without a lookup.
 */
export function screenToken(token: string): {
  tokenHash: string;
  candidate: boolean;
} {
  return { tokenHash: hashApiKey(token), candidate: isWellFormedApiKey(token) };
}

/** A well-formed token that names a key this portal issued is a true positive, whatever its state. */
export function labelOf(candidate: boolean, known: boolean): LeakLabel {
  return candidate && known ? 'true_positive' : 'false_positive';
}
