import { InputError, isError } from '@backstage/errors';
import type { IssuedApiKey } from '@model-publishing/plugin-model-publishing-common';
import type { BuildKey } from '../gateway/types';
import { isWellFormedApiKey } from './keyFormat';
import { toApiKeyInfo } from './keyInfo';
import {
  type Actor,
  keyLimitsOf,
  KeyRecords,
  type KeyRecordsOptions,
  parseExpiry,
  secretTarget,
} from './keyRecords';
import { decodeKeyData } from './secretKeys';
import type { KeyPublication, KeySecretClient } from './types';

/** The publishing service's view of a freshly issued first key (see issueInitialKey). */
export interface InitialKey {
  issued: IssuedApiKey;
  /** For BuildInput.keys. Holds the raw key: never log it. */
  buildKey: BuildKey;
}

/**
 * The keys as the publishing saga sees them: the first key of a publish (its Secret is written by the
 * publish itself), the discard after a failed publish or an unpublish, and the live keys with their raw
 * values for a rebuild. Knows nothing of the publishing service, so both can be built in order.
 */
export class PublicationKeys {
  private readonly records: KeyRecords;

  constructor(
    private readonly o: KeyRecordsOptions & { secrets: KeySecretClient },
  ) {
    this.records = new KeyRecords(o);
  }

  /**
   * Before anything is recorded: throws the InputError issueInitialKey would throw for this first key
   * (fields named `firstKey.*`), so a bad first key is a 400 that changes nothing instead of a failed
   * publication.
   */
  checkInitialKey(input: { name: string; expiresAt?: string }): void {
    try {
      parseExpiry(input.expiresAt, this.records.now());
    } catch (error) {
      if (isError(error) && error.name === 'InputError') {
        throw new InputError(`firstKey.${error.message}`);
      }
      throw error;
    }
  }

  /**
   * Records the first key of a publication being created and returns it for BuildInput.keys. Does
   * not touch the cluster. If the publish fails, call discardKeys.
   */
  async issueInitialKey(
    input: { publicationId: string; name: string; expiresAt?: string },
    who: Actor,
    /** The record the caller has just inserted, to save reading it back. */
    known?: KeyPublication,
  ): Promise<InitialKey> {
    const publication =
      known?.id === input.publicationId
        ? known
        : await this.records.publication(input.publicationId);
    const now = this.records.now();
    const expiresAt = parseExpiry(input.expiresAt, now);
    const { key, record } = this.records.newKey(
      publication.id,
      input.name,
      who,
      now,
      { expiresAt },
    );
    await this.records.store.insert(record);
    await this.records.audit({
      ...this.records.event('key.create', who, publication, record.id),
      outcome: 'succeeded',
    });
    return {
      issued: { key: toApiKeyInfo(record, now), secret: key },
      buildKey: { clientId: record.clientId, key },
    };
  }

  /** After a failed publish or an unpublish: the Secret is gone, so every key is revoked and removed. */
  async discardKeys(publicationId: string, who: Actor): Promise<void> {
    const now = this.records.now();
    for (const r of await this.records.store.listByPublication(publicationId)) {
      if (r.removedAt) continue;
      if (!r.revokedAt) await this.records.store.markRevoked(r.id, now);
      await this.records.store.markRemoved([r.id], now);
      if (!r.revokedAt) {
        await this.records.audit({
          ...this.records.event('key.revoke', who, { id: publicationId }, r.id),
          outcome: 'succeeded',
          meta: { reason: 'publication removed' },
        });
      }
    }
  }

  /**
   * For re-applying a publication: the live keys as they are in the Secret now (raw values come from
   * the Secret; the database cannot provide them). Prefer not to rewrite Secret data on update at all;
   * if you must, write with the resourceVersion read here.
   */
  async readLiveSecretKeys(
    publicationId: string,
  ): Promise<{ keys: BuildKey[]; resourceVersion?: string }> {
    const publication = await this.records.publication(publicationId);
    const secret = await this.o.secrets.getSecret(secretTarget(publication));
    const values = decodeKeyData(secret?.data);
    const live = await this.records.store.listLive(
      publicationId,
      this.records.now(),
    );
    const keys: BuildKey[] = keyLimitsOf(live).flatMap(k => {
      const key = values[k.clientId];
      return key && isWellFormedApiKey(key) ? [{ ...k, key }] : [];
    });
    return { keys, resourceVersion: secret?.metadata.resourceVersion };
  }
}
