import { randomInt } from 'node:crypto';
import {
  API_KEY_LENGTH,
  BASE62_ALPHABET,
  apiKeyMatchesHash,
  checksumOf,
  clientIdForKey,
  crc32,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
  keyIdFromClientId,
  keyPrefix,
  randomBase62,
  safeEqualHash,
  toBase62,
} from './keyFormat';

describe('keyFormat', () => {
  it('generates mpk_ + 32 base62 + 6 base62 checksum', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^mpk_[0-9A-Za-z]{38}$/);
    expect(key).toHaveLength(API_KEY_LENGTH);
    expect(key.slice(36)).toBe(checksumOf(key.slice(4, 36)));
    expect(isWellFormedApiKey(key)).toBe(true);
  });

  it('computes the standard CRC-32 (zlib / IEEE) value', () => {
    // The well-known check value of CRC-32 over "123456789".
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(toBase62(0, 6)).toBe('000000');
    expect(toBase62(0xffffffff, 6)).toBe('4gfFC3');
    expect(() => toBase62(62 ** 6, 6)).toThrow(RangeError);
  });

  it('discards bytes >= 248 so every symbol is equally likely', () => {
    // Bytes 248..255 would map to 0..7 a second time; they must be skipped, not folded.
    const bytes = [255, 248, 0, 61, 62, 247, 250, 1];
    const fake = (size: number) => Buffer.from(bytes.splice(0, size));
    expect(randomBase62(5, fake)).toBe(`0z0${BASE62_ALPHABET[247 % 62]}1`);
  });

  it('draws base62 symbols without modulo bias', () => {
    const counts = new Map<string, number>();
    const sample = randomBase62(62 * 2000);
    for (const ch of sample) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // Expected 2000 each; with bias the low symbols (0-7) would get ~2250+. 5 sigma ≈ 220.
    for (const ch of '01234567') expect(counts.get(ch)!).toBeLessThan(2220);
  });

  it('never repeats a key in 10,000 draws', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(generateApiKey());
    expect(seen.size).toBe(10_000);
  });

  it('rejects a single-character change in 100% of 10,000 random trials', () => {
    let rejected = 0;
    const trials = 10_000;
    for (let i = 0; i < trials; i++) {
      const key = generateApiKey();
      const position = randomInt(key.length);
      let replacement = key[position];
      while (replacement === key[position]) {
        replacement = BASE62_ALPHABET[randomInt(62)];
      }
      const garbled =
        key.slice(0, position) + replacement + key.slice(position + 1);
      if (!isWellFormedApiKey(garbled)) rejected++;
    }
    expect(rejected).toBe(trials);
  });

  it('rejects every single-character change of one key, position by position', () => {
    const key = generateApiKey();
    let accepted = 0;
    for (let position = 4; position < key.length; position++) {
      for (const ch of BASE62_ALPHABET) {
        if (ch === key[position]) continue;
        if (
          isWellFormedApiKey(
            key.slice(0, position) + ch + key.slice(position + 1),
          )
        )
          accepted++;
      }
    }
    expect(accepted).toBe(0);
  });

  it('rejects wrong shapes', () => {
    const key = generateApiKey();
    for (const bad of [
      undefined,
      42,
      '',
      key.slice(0, -1),
      `${key}0`,
      `mpx_${key.slice(4)}`,
      `${key.slice(0, 10)}-${key.slice(11)}`,
      ` ${key}`,
    ]) {
      expect(isWellFormedApiKey(bad)).toBe(false);
    }
  });

  it('hashes with SHA-256 and compares in constant time', () => {
    const key = generateApiKey();
    const hash = hashApiKey(key);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(key.slice(4, 12));
    expect(safeEqualHash(hash, hashApiKey(key))).toBe(true);
    expect(safeEqualHash(hash, hashApiKey(generateApiKey()))).toBe(false);
    expect(safeEqualHash(hash, hash.slice(1))).toBe(false);
    expect(apiKeyMatchesHash(key, hash)).toBe(true);
    expect(apiKeyMatchesHash(generateApiKey(), hash)).toBe(false);
  });

  it('shows only the first 8 characters and derives client ids from key ids', () => {
    const key = generateApiKey();
    expect(keyPrefix(key)).toBe(key.slice(0, 8));
    expect(keyPrefix(key)).toMatch(/^mpk_[0-9A-Za-z]{4}$/);
    expect(clientIdForKey('abc')).toBe('key-abc');
    expect(keyIdFromClientId('key-abc')).toBe('abc');
    expect(keyIdFromClientId('other')).toBeUndefined();
  });

  it('builds the body from the injected random source only', () => {
    const fixed = () => Buffer.alloc(64, 5);
    expect(generateApiKey(fixed).slice(4, 36)).toBe('5'.repeat(32));
  });
});
