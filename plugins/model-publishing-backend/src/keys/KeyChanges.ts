import { ConflictError } from '@backstage/errors';
import type {
  ApiKeyInfo,
  RateLimits,
} from '@model-publishing/plugin-model-publishing-common';
import { keyStatus, toApiKeyInfo } from './keyInfo';
import {
  type Actor,
  hasLimits,
  type KeyOperationsBase,
  MANAGEABLE,
  safeMessage,
} from './keyRecords';
import type { KeySweep } from './KeySweep';
import { checkRuleBudget, givenLimits, limitsDiffer } from './ruleBudget';

export interface UpdateKeyInput {
  publicationId: string;
  keyId: string;
  /** '' clears it. */
  description?: string;
  /** The key's own limits; `{}` clears them (the key then uses the publication's). */
  rateLimits?: RateLimits;
}

export interface KeyChangesOptions extends KeyOperationsBase {
  /** Takes a revoked key out of the Secret. */
  sweeper: Pick<KeySweep, 'removeFromSecret'>;
  rateLimitMode: 'global' | 'local';
}

/** Changes to an issued key: its description and own limits, and its revocation. */
export class KeyChanges {
  constructor(private readonly o: KeyChangesOptions) {}

  private get records() {
    return this.o.records;
  }

  /**
   * Changes a live key's description and its own rate limits. New limits are checked against the
   * gateway's rule budget with the other live keys before anything is written, and the route's
   * BackendTrafficPolicy is rebuilt when they changed. A consumer's key keeps its plan's limits (409).
   */
  async update(input: UpdateKeyInput, who: Actor): Promise<ApiKeyInfo> {
    const publication = await this.records.publication(input.publicationId);
    const record = await this.records.keyOf(publication.id, input.keyId);
    const now = this.records.now();
    const status = keyStatus(record, now);
    if (status !== 'active' && status !== 'grace') {
      throw new ConflictError(
        `key ${record.id} is ${status}; only a key that still works can be changed`,
      );
    }
    if (input.rateLimits !== undefined) {
      if (!MANAGEABLE.includes(publication.status)) {
        throw new ConflictError(
          `the publication is ${publication.status}; a key's limits can be changed only while it is published`,
        );
      }
      const consumer = await this.records.store.consumerOf(record.id);
      if (consumer) {
        throw new ConflictError(
          `rateLimits: key ${record.id} was issued to ${consumer} on a plan; change the plan's limits instead`,
        );
      }
    }
    const rateLimits =
      input.rateLimits === undefined
        ? undefined
        : givenLimits(input.rateLimits);
    const limitsChanged =
      rateLimits !== undefined && limitsDiffer(rateLimits, record.rateLimits);

    await this.records.store.transaction(publication.id, async store => {
      if (limitsChanged && hasLimits(rateLimits)) {
        const live = await store.listLive(publication.id, now);
        checkRuleBudget(
          publication,
          live.map(r => (r.id === record.id ? { ...r, rateLimits } : r)),
          this.o.rateLimitMode,
        );
      }
      await store.updateDetails(record.id, {
        description:
          input.description === undefined
            ? undefined
            : input.description.trim(),
        rateLimits: limitsChanged ? rateLimits : undefined,
      });
    });
    if (limitsChanged) await this.o.limitsChanged(publication.id);
    await this.records.audit({
      ...this.records.event('key.update', who, publication, record.id),
      outcome: 'succeeded',
      meta: {
        ...(input.description !== undefined ? { description: true } : {}),
        ...(limitsChanged
          ? {
              rateLimits: hasLimits(rateLimits)
                ? JSON.stringify(rateLimits)
                : null,
            }
          : {}),
      },
    });
    const updated = (await this.records.store.get(record.id)) ?? record;
    return toApiKeyInfo(updated, this.records.now());
  }

  async revoke(
    input: { publicationId: string; keyId: string },
    who: Actor,
  ): Promise<ApiKeyInfo> {
    const publication = await this.records.publication(input.publicationId);
    const record = await this.records.keyOf(publication.id, input.keyId);
    const wasRevoked = !!record.revokedAt;
    // Record first: if the Secret write fails the sweep still removes the key.
    await this.records.store.markRevoked(record.id, this.records.now());
    // Mid-publish or mid-unpublish the Secret is being written by that operation; the sweep
    // (which waits for it to settle) takes the key out.
    const inFlight =
      publication.status === 'publishing' ||
      publication.status === 'unpublishing';
    if (!record.removedAt && !inFlight) {
      try {
        await this.o.sweeper.removeFromSecret(publication, [record]);
      } catch (error) {
        await this.records.audit({
          ...this.records.event('key.revoke', who, publication, record.id),
          outcome: 'failed',
          error: `${safeMessage(
            error,
          )} (recorded as revoked; the scheduled sweep retries the removal)`,
        });
        throw error;
      }
      if (record.rateLimits) await this.o.limitsChanged(publication.id);
    }
    if (!wasRevoked) {
      await this.records.audit({
        ...this.records.event('key.revoke', who, publication, record.id),
        outcome: 'succeeded',
      });
      this.records.o.logger.info(
        `Revoked API key ${record.id} of publication ${publication.id}`,
      );
    }
    const updated = (await this.records.store.get(record.id)) ?? record;
    return toApiKeyInfo(updated, this.records.now());
  }
}
