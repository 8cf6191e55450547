import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as zlib from 'node:zlib';

/**
 * API key format (docs/design.md §4): `mpk_` + 32 random base62 characters + a 6-character base62 CRC32 of
 * those 32 characters.
 *
 * Strength: each random character is uniform over 62 symbols (rejection sampling, below), so the
 * key carries 32 × log2(62) = 32 × 5.954… ≈ 190.5 bits of entropy — at least 190 bits. The checksum
 * adds none; it only lets secret scanners and this service recognise a garbled or made-up key
 * offline, without a database lookup.
 *
 * Why a single-character change is always detected: CRC32 detects every burst error of up to 32
 * bits, and changing one character of the body changes one byte (8 bits). Changing a checksum
 * character changes the decoded checksum (fixed-width base62 is a bijection), changing the prefix
 * fails the prefix check, and a character outside base62 fails the alphabet check.
 */
export const API_KEY_PREFIX = 'mpk_';
export const API_KEY_BODY_LENGTH = 32;
export const API_KEY_CHECKSUM_LENGTH = 6;
export const API_KEY_LENGTH =
  API_KEY_PREFIX.length + API_KEY_BODY_LENGTH + API_KEY_CHECKSUM_LENGTH;
/** How many leading characters of a key may be stored and shown (the prefix plus 4 random chars). */
export const API_KEY_DISPLAY_PREFIX_LENGTH = 8;

export const BASE62_ALPHABET =
  '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Largest multiple of 62 that fits in a byte: bytes at or above it are discarded to avoid modulo bias. */
const UNBIASED_BYTE_LIMIT = 62 * Math.floor(256 / 62); // 248

const API_KEY_PATTERN = new RegExp(
  `^${API_KEY_PREFIX}[0-9A-Za-z]{${API_KEY_BODY_LENGTH}}[0-9A-Za-z]{${API_KEY_CHECKSUM_LENGTH}}$`,
);

/** Uniform random base62 string; `random` is injectable only so tests can exercise rejection. */
export function randomBase62(
  length: number,
  random: (size: number) => Buffer = randomBytes,
): string {
  let out = '';
  while (out.length < length) {
    // Ask for a little more than needed: ~3% of bytes are rejected.
    const bytes = random(Math.ceil((length - out.length) * 1.1) + 4);
    for (const byte of bytes) {
      if (byte >= UNBIASED_BYTE_LIMIT) continue;
      out += BASE62_ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

const CRC32_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zlib). Uses zlib.crc32 where the runtime has it (Node ≥ 22.2). */
export function crc32(input: string): number {
  const native = (zlib as { crc32?: (data: string | Buffer) => number }).crc32;
  if (typeof native === 'function')
    return native(Buffer.from(input, 'utf8')) >>> 0;
  let crc = 0xffffffff;
  for (const byte of Buffer.from(input, 'utf8')) {
    crc = CRC32_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Fixed-width base62 (most significant digit first, zero-padded). 62^6 ≈ 5.7e10 > 2^32. */
export function toBase62(value: number, width: number): string {
  let rest = value;
  let out = '';
  for (let i = 0; i < width; i++) {
    out = BASE62_ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  if (rest !== 0)
    throw new RangeError(`${value} does not fit in ${width} base62 digits`);
  return out;
}

export function checksumOf(body: string): string {
  return toBase62(crc32(body), API_KEY_CHECKSUM_LENGTH);
}

/** A new raw API key. The caller must hand it out once and keep only its hash. */
export function generateApiKey(
  random: (size: number) => Buffer = randomBytes,
): string {
  const body = randomBase62(API_KEY_BODY_LENGTH, random);
  return `${API_KEY_PREFIX}${body}${checksumOf(body)}`;
}

/** True when `key` has the right shape and checksum. Says nothing about whether the key is valid. */
export function isWellFormedApiKey(key: unknown): key is string {
  if (typeof key !== 'string' || !API_KEY_PATTERN.test(key)) return false;
  const body = key.slice(
    API_KEY_PREFIX.length,
    API_KEY_PREFIX.length + API_KEY_BODY_LENGTH,
  );
  const checksum = key.slice(API_KEY_PREFIX.length + API_KEY_BODY_LENGTH);
  return checksumOf(body) === checksum;
}

/** SHA-256 hex of the key: what the database stores. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes (length differences are not secret: all are 64). */
export function safeEqualHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    // Still spend the comparison so callers cannot tell a length mismatch by timing.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/** Whether a raw key matches a stored hash, in constant time. */
export function apiKeyMatchesHash(key: string, hash: string): boolean {
  return safeEqualHash(hashApiKey(key), hash);
}

/** The first 8 characters (`mpk_` + 4 random): enough to recognise a key, useless to guess it. */
export function keyPrefix(key: string): string {
  return key.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH);
}

/** The client id Envoy reports for a key (Secret data key, rate-limit and metrics dimension). */
export function clientIdForKey(keyId: string): string {
  return `key-${keyId}`;
}

/** Inverse of clientIdForKey; undefined for Secret entries that are not ours. */
export function keyIdFromClientId(clientId: string): string | undefined {
  return clientId.startsWith('key-') ? clientId.slice(4) : undefined;
}
