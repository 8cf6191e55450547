import { isError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PublicationStatus } from '@model-publishing/plugin-model-publishing-common';
import {
  hasLimits,
  type KeyOperationsBase,
  safeMessage,
  secretTarget,
} from './keyRecords';
import { writeSecretKeys, type SecretWriteOptions } from './secretKeys';
import type {
  ApiKeyRecord,
  KeyPublication,
  KeyPublicationLookup,
  KeySecretClient,
} from './types';

/** Publications whose objects are gone: their keys are dropped without touching a cluster. */
const GONE: PublicationStatus[] = ['unpublished'];

export interface SweepResult {
  /** Keys taken out of their Secret in this run. */
  removed: {
    keyId: string;
    publicationId: string;
    reason: 'expired' | 'grace-ended' | 'revoked';
  }[];
  /** Publications whose Secret could not be updated; their keys are retried next run. */
  failed: { publicationId: string; keyIds: string[]; error: string }[];
  /** Publications left for a later run because they are mid-publish or mid-unpublish. */
  deferred: string[];
}

function removalReason(
  r: ApiKeyRecord,
  now: Date,
): SweepResult['removed'][number]['reason'] {
  if (r.revokedAt) return 'revoked';
  if (r.expiresAt && r.expiresAt <= now) return 'expired';
  return 'grace-ended';
}

/** Takes keys out of their publication's Secret: the scheduled sweep and a revocation's removal. */
export class KeySweep {
  constructor(
    private readonly o: KeyOperationsBase & {
      publications: KeyPublicationLookup;
      secrets: KeySecretClient;
      secretWrite?: SecretWriteOptions;
      logger: LoggerService;
    },
  ) {}

  /**
   * Takes revoked, expired and end-of-grace keys out of their Secrets and records it. Safe to run
   * concurrently with requests (read-modify-write) and to re-run (removal is idempotent).
   */
  async sweep(now: Date = this.o.records.now()): Promise<SweepResult> {
    const result: SweepResult = { removed: [], failed: [], deferred: [] };
    const due = await this.o.records.store.listDueForRemoval(now);
    const byPublication = new Map<string, ApiKeyRecord[]>();
    for (const r of due) {
      byPublication.set(r.publicationId, [
        ...(byPublication.get(r.publicationId) ?? []),
        r,
      ]);
    }
    for (const [publicationId, records] of byPublication) {
      const publication = await this.o.publications.get(publicationId);
      if (
        publication &&
        (publication.status === 'publishing' ||
          publication.status === 'unpublishing')
      ) {
        result.deferred.push(publicationId);
        continue;
      }
      try {
        if (publication && !GONE.includes(publication.status)) {
          await this.removeFromSecret(publication, records, now);
        } else {
          await this.o.records.store.markRemoved(
            records.map(r => r.id),
            now,
          );
        }
      } catch (error) {
        const message = safeMessage(error);
        result.failed.push({
          publicationId,
          keyIds: records.map(r => r.id),
          error: message,
        });
        this.o.logger.warn(
          `Key sweep could not update the Secret of publication ${publicationId} (${records.length} keys): ${message}`,
        );
        continue;
      }
      for (const r of records) {
        const reason = removalReason(r, now);
        result.removed.push({ keyId: r.id, publicationId, reason });
        await this.o.records.audit({
          action: reason === 'revoked' ? 'key.revoke' : 'key.expire',
          actor: 'system:model-publishing/key-sweep',
          publicationId,
          ...(publication?.entityRef
            ? { entityRef: publication.entityRef }
            : {}),
          keyId: r.id,
          outcome: 'succeeded',
          meta: { reason },
        });
      }
      if (publication && records.some(r => hasLimits(r.rateLimits))) {
        await this.o.limitsChanged(publicationId);
      }
    }
    if (result.removed.length || result.failed.length) {
      this.o.logger.info(
        `Key sweep removed ${result.removed.length} keys from Secrets; ${result.failed.length} publications failed, ${result.deferred.length} deferred`,
      );
    }
    return result;
  }

  /** Removes keys from the Secret and records it; a missing Secret has nothing left to remove. */
  async removeFromSecret(
    publication: KeyPublication,
    records: ApiKeyRecord[],
    now: Date = this.o.records.now(),
  ): Promise<void> {
    if (!GONE.includes(publication.status)) {
      try {
        await writeSecretKeys(
          this.o.secrets,
          secretTarget(publication),
          { remove: records.map(r => r.clientId) },
          this.o.secretWrite,
        );
      } catch (error) {
        if (!(isError(error) && error.name === 'NotFoundError')) throw error;
        this.o.logger.warn(
          `Key Secret of publication ${publication.id} is missing; nothing to remove`,
        );
      }
    }
    await this.o.records.store.markRemoved(
      records.map(r => r.id),
      now,
    );
  }
}
