import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KeyObject } from 'node:crypto';
import { parsePublicKey } from './signature';

/** One public key of the signer, as GitHub lists them (`key_identifier`, PEM `key`). */
export interface SignerPublicKey {
  keyIdentifier: string;
  key: string;
}

/** The JSON GitHub serves at /meta/public_keys/secret_scanning. */
interface PublicKeysDocument {
  public_keys?: {
    key_identifier?: unknown;
    key?: unknown;
    is_current?: unknown;
  }[];
}

export interface PublicKeySourceOptions {
  /** Keys given in config: always trusted, never refreshed. */
  configured: SignerPublicKey[];
  /** Where to fetch the signer's keys; none = only the configured keys. */
  url?: string;
  /** How long fetched keys are kept before the next fetch. */
  refreshMs: number;
  /** An unknown key id refetches at most this often (a forged id must not make us hammer the URL). */
  minRefetchMs?: number;
  logger: LoggerService;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * The signer's public keys by identifier: the configured ones, and those fetched from `url`, cached for
 * `refreshMs`. A signature with a key id not in the cache triggers one refetch (GitHub rotates keys), at
 * most every `minRefetchMs`. A failed fetch keeps the keys fetched before.
 */
export class PublicKeySource {
  private fetched = new Map<string, KeyObject>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private inFlight?: Promise<void>;
  private readonly configured = new Map<string, KeyObject>();
  private readonly now: () => number;

  constructor(private readonly o: PublicKeySourceOptions) {
    this.now = o.now ?? Date.now;
    for (const k of o.configured) {
      const key = parsePublicKey(k.key);
      if (!key)
        throw new Error(
          `secret scanning public key '${k.keyIdentifier}': not an EC public key in PEM form`,
        );
      this.configured.set(k.keyIdentifier, key);
    }
  }

  async get(keyIdentifier: string): Promise<KeyObject | undefined> {
    const configured = this.configured.get(keyIdentifier);
    if (configured) return configured;
    if (!this.o.url) return undefined;
    const age = this.now() - this.fetchedAt;
    const known = this.fetched.get(keyIdentifier);
    if (known && age < this.o.refreshMs) return known;
    if (age >= (known ? this.o.refreshMs : this.o.minRefetchMs ?? 60_000))
      await this.refresh();
    return this.fetched.get(keyIdentifier);
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async load(): Promise<void> {
    this.fetchedAt = this.now();
    try {
      const response = await (this.o.fetch ?? fetch)(this.o.url!, {
        headers: { Accept: 'application/json' },
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const doc = (await response.json()) as PublicKeysDocument;
      const next = new Map<string, KeyObject>();
      for (const entry of doc.public_keys ?? []) {
        if (
          typeof entry.key_identifier !== 'string' ||
          typeof entry.key !== 'string'
        )
          continue;
        const key = parsePublicKey(entry.key);
        if (key) next.set(entry.key_identifier, key);
      }
      if (!next.size)
        throw new Error('the document lists no usable public_keys');
      this.fetched = next;
    } catch (error) {
      this.o.logger.warn(
        `Could not fetch secret scanning public keys from ${this.o.url}: ${
          (error as Error).message
        }; keeping ${this.fetched.size} known key(s)`,
      );
    }
  }
}
