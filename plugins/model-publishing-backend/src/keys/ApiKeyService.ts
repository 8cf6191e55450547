import { InputError } from '@backstage/errors';
import type {
  ApiKeyInfo,
  IssuedApiKey,
} from '@model-publishing/plugin-model-publishing-common';
import { toApiKeyInfo } from './keyInfo';
import { KeyChanges, type UpdateKeyInput } from './KeyChanges';
import {
  KeyIssuing,
  type CreateKeyInput,
  type RotateKeyInput,
  type RotatedApiKey,
} from './KeyIssuing';
import {
  type Actor,
  keyLimitsOf,
  KeyRecords,
  type KeyRecordsOptions,
  safeMessage,
} from './keyRecords';
import { KeySweep, type SweepResult } from './KeySweep';
import type { SecretWriteOptions } from './secretKeys';
import type { ActiveKeyLimits, KeySecretClient } from './types';

export type { Actor } from './keyRecords';
export type { SweepResult } from './KeySweep';
export type {
  CreateKeyInput,
  RotateKeyInput,
  RotatedApiKey,
} from './KeyIssuing';
export type { UpdateKeyInput } from './KeyChanges';

export interface ApiKeyServiceOptions extends KeyRecordsOptions {
  secrets: KeySecretClient;
  /** `modelPublishing.gateway.rateLimitMode`: decides how many per-key rules a route can hold. */
  rateLimitMode: 'global' | 'local';
  /** `modelPublishing.keys.rotationGraceHours` (default 24; 0 = rotation revokes the old key at once). */
  rotationGraceHours?: number;
  /**
   * `modelPublishing.keys.maxLivePerPublication` (default 50): creating a key beyond it is a 409, so a
   * leaked owner token or a runaway script cannot fill a Secret and the route's rules. Rotation replaces.
   */
  maxLivePerPublication?: number;
  secretWrite?: SecretWriteOptions;
  /**
   * Called after keys with their own rate limits were added or removed: the publication's
   * BackendTrafficPolicy must be rebuilt from `listActiveKeysForPublication` and re-applied.
   * Failures are logged, not thrown (the key operation itself already happened).
   */
  onKeyLimitsChanged?: (publicationId: string) => Promise<void>;
  /** Why a publication issues no new keys (a deprecation past its stop-new-keys sunset); undefined = it does. */
  refuseNewKeys?: (publicationId: string) => Promise<string | undefined>;
}

/**
 * API keys of publications (docs/design.md §4): listing here; issuing and rotation (KeyIssuing),
 * changes and revocation (KeyChanges) and the scheduled sweep (KeySweep) behind the same methods.
 *
 * The raw key exists only in the create/rotate return value and in the publication's Kubernetes
 * Secret (`<isvc>-mp-keys`, client id `key-<id>` → key). The database has the SHA-256 hash and
 * the first 8 characters. Secret writes are read-modify-write with resourceVersion and retry on
 * 409, so concurrent writers (other requests, other replicas) never lose each other's keys.
 *
 * Ordering is fail-safe: the database records a revocation before the Secret loses the key, so
 * when the cluster call fails the sweep retries the removal; a key is only handed out after it is
 * in the Secret.
 */
export class ApiKeyService {
  private readonly records: KeyRecords;
  private readonly sweeper: KeySweep;
  private readonly issuing: KeyIssuing;
  private readonly changes: KeyChanges;

  constructor(private readonly options: ApiKeyServiceOptions) {
    const graceHours = options.rotationGraceHours ?? 24;
    if (!(graceHours >= 0)) {
      throw new InputError(
        'modelPublishing.keys.rotationGraceHours must be 0 or more',
      );
    }
    const limitsChanged = (id: string) => this.limitsChanged(id);
    this.records = new KeyRecords(options);
    this.sweeper = new KeySweep({
      ...options,
      records: this.records,
      limitsChanged,
    });
    this.issuing = new KeyIssuing({
      ...options,
      records: this.records,
      graceHours,
      maxLivePerPublication: options.maxLivePerPublication ?? 50,
      limitsChanged,
    });
    this.changes = new KeyChanges({
      ...options,
      records: this.records,
      sweeper: this.sweeper,
      limitsChanged,
    });
  }

  async list(publicationId: string): Promise<ApiKeyInfo[]> {
    const now = this.records.now();
    const records = await this.records.store.listByPublication(publicationId);
    return records.map(r => toApiKeyInfo(r, now));
  }

  /** Keys `actor` created on any of the publications (the caller's own keys across models). */
  async listCreatedBy(
    actor: string,
    publicationIds: string[],
  ): Promise<(ApiKeyInfo & { publicationId: string })[]> {
    const now = this.records.now();
    const records = await this.records.store.listCreatedBy(
      actor,
      publicationIds,
    );
    return records.map(r => ({
      ...toApiKeyInfo(r, now),
      publicationId: r.publicationId,
    }));
  }

  /** Keys Envoy accepts now, for rebuilding the BackendTrafficPolicy. Never includes a key. */
  async listActiveKeysForPublication(
    publicationId: string,
  ): Promise<ActiveKeyLimits[]> {
    return keyLimitsOf(
      await this.records.store.listLive(publicationId, this.records.now()),
    );
  }

  create(input: CreateKeyInput, who: Actor): Promise<IssuedApiKey> {
    return this.issuing.create(input, who);
  }

  rotate(input: RotateKeyInput, who: Actor): Promise<RotatedApiKey> {
    return this.issuing.rotate(input, who);
  }

  /** Changes a live key's description and own limits (KeyChanges.update). */
  update(input: UpdateKeyInput, who: Actor): Promise<ApiKeyInfo> {
    return this.changes.update(input, who);
  }

  revoke(
    input: { publicationId: string; keyId: string },
    who: Actor,
  ): Promise<ApiKeyInfo> {
    return this.changes.revoke(input, who);
  }

  /** Takes revoked, expired and end-of-grace keys out of their Secrets and records it (KeySweep). */
  async sweep(now: Date = this.records.now()): Promise<SweepResult> {
    return this.sweeper.sweep(now);
  }

  private async limitsChanged(publicationId: string): Promise<void> {
    if (!this.options.onKeyLimitsChanged) return;
    try {
      await this.options.onKeyLimitsChanged(publicationId);
    } catch (error) {
      this.options.logger.warn(
        `Could not re-apply rate limits of publication ${publicationId} after a key change: ${safeMessage(
          error,
        )}`,
      );
    }
  }
}
