import { ConflictError, InputError } from '@backstage/errors';
import type {
  ApiKeyInfo,
  IssuedApiKey,
  RateLimits,
} from '@model-publishing/plugin-model-publishing-common';
import { keyStatus, toApiKeyInfo } from './keyInfo';
import {
  type Actor,
  hasLimits,
  type KeyOperationsBase,
  parseExpiry,
  safeMessage,
  secretTarget,
} from './keyRecords';
import { checkRuleBudget } from './ruleBudget';
import { writeSecretKeys, type SecretWriteOptions } from './secretKeys';
import type { ApiKeyRecord, KeyPublication, KeySecretClient } from './types';

const HOUR_MS = 3_600_000;

export interface CreateKeyInput {
  publicationId: string;
  name: string;
  description?: string;
  expiresAt?: string;
  rateLimits?: RateLimits;
}

export interface RotateKeyInput {
  publicationId: string;
  keyId: string;
  gracePeriodHours?: number;
}

export type RotatedApiKey = IssuedApiKey & { previous: ApiKeyInfo };

export interface KeyIssuingOptions extends KeyOperationsBase {
  secrets: KeySecretClient;
  secretWrite?: SecretWriteOptions;
  rateLimitMode: 'global' | 'local';
  /** Hours a rotated key stays valid when the caller names none (0 = revoke at once). */
  graceHours: number;
  /** Most live keys a publication may hold (creating one more is a 409). */
  maxLivePerPublication: number;
  refuseNewKeys?: (publicationId: string) => Promise<string | undefined>;
}

/**
 * Issuing keys: a new key, and a rotation that replaces one (docs/design.md §4). A key is handed out
 * only after it is in the publication's Secret; a failed Secret write leaves it revoked (a rotation's
 * old key stays active), so the sweep cleans up should the write have landed after all.
 */
export class KeyIssuing {
  constructor(private readonly o: KeyIssuingOptions) {}

  private get records() {
    return this.o.records;
  }

  async create(input: CreateKeyInput, who: Actor): Promise<IssuedApiKey> {
    const publication = await this.records.manageablePublication(
      input.publicationId,
    );
    const refused = await this.o.refuseNewKeys?.(publication.id);
    if (refused) throw new ConflictError(refused);
    const now = this.records.now();
    const expiresAt = parseExpiry(input.expiresAt, now);
    const rateLimits = hasLimits(input.rateLimits)
      ? input.rateLimits
      : undefined;
    const { key, record } = this.records.newKey(
      publication.id,
      input.name,
      who,
      now,
      {
        expiresAt,
        rateLimits,
        description: input.description?.trim() || undefined,
      },
    );

    await this.records.store.transaction(publication.id, async store => {
      const taken = await store.findActiveByName(
        publication.id,
        input.name,
        now,
      );
      if (taken) {
        throw new ConflictError(
          `name: a key named "${input.name}" already exists for this publication; rotate it or choose another name`,
        );
      }
      const live = await store.listLive(publication.id, now);
      const max = this.o.maxLivePerPublication;
      if (live.length >= max) {
        throw new ConflictError(
          `keys: this publication already has ${live.length} live keys, the most it may hold (modelPublishing.keys.maxLivePerPublication = ${max}); revoke one first`,
        );
      }
      if (rateLimits)
        checkRuleBudget(publication, [...live, record], this.o.rateLimitMode);
      await store.insert(record);
    });

    await this.putInSecret(publication, { record, key }, who, {
      action: 'key.create',
      keyId: record.id,
    });

    if (rateLimits) await this.o.limitsChanged(publication.id);
    await this.records.audit({
      ...this.records.event('key.create', who, publication, record.id),
      outcome: 'succeeded',
    });
    this.records.o.logger.info(
      `Issued API key ${record.id} for publication ${publication.id}`,
    );
    return { key: toApiKeyInfo(record, now), secret: key };
  }

  async rotate(input: RotateKeyInput, who: Actor): Promise<RotatedApiKey> {
    const publication = await this.records.manageablePublication(
      input.publicationId,
    );
    const graceHours = input.gracePeriodHours ?? this.o.graceHours;
    if (!(graceHours >= 0 && graceHours <= 720)) {
      throw new InputError(
        'gracePeriodHours must be between 0 (revoke now) and 720',
      );
    }
    const old = await this.records.keyOf(publication.id, input.keyId);
    const now = this.records.now();
    const graceUntil = new Date(now.getTime() + graceHours * HOUR_MS);
    const revokeNow = graceHours === 0;
    const { key, record } = this.records.newKey(
      publication.id,
      old.name,
      who,
      now,
      {
        expiresAt: successorExpiry(old, now),
        rateLimits: old.rateLimits,
        rotatedFrom: old.id,
        description: old.description,
      },
    );

    await this.records.store.transaction(publication.id, async store => {
      if (!(await store.markRotated(old.id, graceUntil, now))) {
        const current = (await store.get(old.id)) ?? old;
        throw new ConflictError(
          `key ${old.id} is ${
            current.graceUntil && !current.revokedAt
              ? 'already rotated'
              : keyStatus(current, now)
          }; only an active key can be rotated`,
        );
      }
      if (record.rateLimits && !revokeNow) {
        const live = await store.listLive(publication.id, now);
        checkRuleBudget(publication, [...live, record], this.o.rateLimitMode);
      }
      await store.insert(record);
    });

    await this.putInSecret(publication, { record, key }, who, {
      action: 'key.rotate',
      keyId: old.id,
      ...(revokeNow ? { remove: [old.clientId] } : {}),
      // The old key stays active: the rotation did not happen.
      undo: () => this.records.store.clearRotation(old.id, graceUntil, now),
    });
    if (revokeNow)
      await this.records.store.markRemoved([old.id], this.records.now());

    // During the grace period the old and new key share one budget (one rate-limit rule for both),
    // so the route's limits are rebuilt whenever the old key stays valid.
    if (record.rateLimits || !revokeNow)
      await this.o.limitsChanged(publication.id);
    await this.records.audit({
      ...this.records.event('key.rotate', who, publication, old.id),
      outcome: 'succeeded',
      meta: {
        newKeyId: record.id,
        graceUntil: revokeNow ? null : graceUntil.toISOString(),
      },
    });
    const oldFate = revokeNow
      ? 'old key revoked'
      : `old key valid until ${graceUntil.toISOString()}`;
    this.records.o.logger.info(
      `Rotated API key ${old.id} to ${record.id} for publication ${publication.id}; ${oldFate}`,
    );
    const previous = (await this.records.store.get(old.id)) ?? old;
    const after = this.records.now();
    return {
      key: toApiKeyInfo(record, after),
      secret: key,
      previous: toApiKeyInfo(previous, after),
    };
  }

  /**
   * Writes a new key into the publication's Secret (and takes `remove` out). When that fails the key
   * was never handed out: its record is revoked, so the sweep removes it should the write have landed
   * after all; `undo` reverts the rest, the failure is audited and the error rethrown.
   */
  private async putInSecret(
    publication: KeyPublication,
    added: { record: ApiKeyRecord; key: string },
    who: Actor,
    on: {
      action: 'key.create' | 'key.rotate';
      keyId: string;
      remove?: string[];
      undo?: () => Promise<unknown>;
    },
  ): Promise<void> {
    try {
      await writeSecretKeys(
        this.o.secrets,
        secretTarget(publication),
        {
          add: { [added.record.clientId]: added.key },
          ...(on.remove ? { remove: on.remove } : {}),
        },
        this.o.secretWrite,
      );
    } catch (error) {
      await this.records.store.markRevoked(added.record.id, this.records.now());
      await on.undo?.();
      await this.records.audit({
        ...this.records.event(on.action, who, publication, on.keyId),
        outcome: 'failed',
        error: safeMessage(error),
      });
      throw error;
    }
  }
}

/** The new key lives as long as the old one was meant to (a rotation is not a way to expire). */
export function successorExpiry(
  old: Pick<ApiKeyRecord, 'createdAt' | 'expiresAt'>,
  now: Date,
): Date | undefined {
  return old.expiresAt
    ? new Date(
        now.getTime() + (old.expiresAt.getTime() - old.createdAt.getTime()),
      )
    : undefined;
}
