import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type {
  ApiKeyInfo,
  IssuedApiKey,
  PublicationStatus,
  RateLimits,
} from '@model-publishing/plugin-model-publishing-common';
import { buildRateLimitRules } from '../gateway/backendTrafficPolicy';
import type { BuildInput } from '../gateway/types';
import { keyStatus, toApiKeyInfo } from './keyInfo';
import {
  type Actor,
  budgetLinks,
  hasLimits,
  KeyRecords,
  type KeyRecordsOptions,
  parseExpiry,
  safeMessage,
  secretTarget,
} from './keyRecords';
import { KeySweep, type SweepResult } from './KeySweep';
import { writeSecretKeys, type SecretWriteOptions } from './secretKeys';
import type {
  ActiveKeyLimits,
  ApiKeyRecord,
  KeyPublication,
  KeySecretClient,
} from './types';

export type { Actor } from './keyRecords';
export type { SweepResult } from './KeySweep';

/** Publications whose key Secret exists and may be changed. */
const MANAGEABLE: PublicationStatus[] = ['published', 'degraded', 'updating'];

const HOUR_MS = 3_600_000;

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

export interface CreateKeyInput {
  publicationId: string;
  name: string;
  description?: string;
  expiresAt?: string;
  rateLimits?: RateLimits;
}

export interface UpdateKeyInput {
  publicationId: string;
  keyId: string;
  /** '' clears it. */
  description?: string;
  /** The key's own limits; `{}` clears them (the key then uses the publication's). */
  rateLimits?: RateLimits;
}

export interface RotateKeyInput {
  publicationId: string;
  keyId: string;
  gracePeriodHours?: number;
}

export type RotatedApiKey = IssuedApiKey & { previous: ApiKeyInfo };

/**
 * API keys of publications (docs/design.md §4): issue, list, rotate, revoke, and the scheduled sweep.
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
  private readonly graceHours: number;

  constructor(private readonly options: ApiKeyServiceOptions) {
    this.records = new KeyRecords(options);
    this.sweeper = new KeySweep({
      ...options,
      records: this.records,
      limitsChanged: id => this.limitsChanged(id),
    });
    this.graceHours = options.rotationGraceHours ?? 24;
    if (!(this.graceHours >= 0)) {
      throw new InputError(
        'modelPublishing.keys.rotationGraceHours must be 0 or more',
      );
    }
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
    const records = await this.records.store.listLive(
      publicationId,
      this.records.now(),
    );
    const shared = budgetLinks(records);
    return records.map(r => ({
      clientId: r.clientId,
      ...(r.rateLimits ? { rateLimits: r.rateLimits } : {}),
      ...(shared.has(r.id) ? { sharesBudgetWith: shared.get(r.id) } : {}),
    }));
  }

  async create(input: CreateKeyInput, who: Actor): Promise<IssuedApiKey> {
    const publication = await this.manageablePublication(input.publicationId);
    const refused = await this.options.refuseNewKeys?.(publication.id);
    if (refused) throw new ConflictError(refused);
    const now = this.records.now();
    const expiresAt = parseExpiry(input.expiresAt, now);
    const rateLimits = hasLimits(input.rateLimits)
      ? input.rateLimits
      : undefined;
    const key = this.records.generateKey();
    const record = this.records.newRecord(
      publication.id,
      input.name,
      key,
      who.actor,
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
      const max = this.options.maxLivePerPublication ?? 50;
      if (live.length >= max) {
        throw new ConflictError(
          `keys: this publication already has ${live.length} live keys, the most it may hold (modelPublishing.keys.maxLivePerPublication = ${max}); revoke one first`,
        );
      }
      if (rateLimits) this.checkRuleLimits(publication, [...live, record]);
      await store.insert(record);
    });

    try {
      await writeSecretKeys(
        this.options.secrets,
        secretTarget(publication),
        { add: { [record.clientId]: key } },
        this.options.secretWrite,
      );
    } catch (error) {
      // Never handed out; revoke so the sweep removes it should the write have landed after all.
      await this.records.store.markRevoked(record.id, this.records.now());
      await this.records.audit({
        ...this.records.event('key.create', who, publication, record.id),
        outcome: 'failed',
        error: safeMessage(error),
      });
      throw error;
    }

    if (rateLimits) await this.limitsChanged(publication.id);
    await this.records.audit({
      ...this.records.event('key.create', who, publication, record.id),
      outcome: 'succeeded',
    });
    this.options.logger.info(
      `Issued API key ${record.id} for publication ${publication.id}`,
    );
    return { key: toApiKeyInfo(record, now), secret: key };
  }

  async rotate(input: RotateKeyInput, who: Actor): Promise<RotatedApiKey> {
    const publication = await this.manageablePublication(input.publicationId);
    const graceHours = input.gracePeriodHours ?? this.graceHours;
    if (!(graceHours >= 0 && graceHours <= 720)) {
      throw new InputError(
        'gracePeriodHours must be between 0 (revoke now) and 720',
      );
    }
    const old = await this.keyOf(publication.id, input.keyId);
    const now = this.records.now();
    const graceUntil = new Date(now.getTime() + graceHours * HOUR_MS);
    const revokeNow = graceHours === 0;
    // The new key lives as long as the old one was meant to (a rotation is not a way to expire).
    const expiresAt = old.expiresAt
      ? new Date(
          now.getTime() + (old.expiresAt.getTime() - old.createdAt.getTime()),
        )
      : undefined;
    const key = this.records.generateKey();
    const record = this.records.newRecord(
      publication.id,
      old.name,
      key,
      who.actor,
      now,
      {
        expiresAt,
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
        this.checkRuleLimits(publication, [...live, record]);
      }
      await store.insert(record);
    });

    try {
      await writeSecretKeys(
        this.options.secrets,
        secretTarget(publication),
        {
          add: { [record.clientId]: key },
          ...(revokeNow ? { remove: [old.clientId] } : {}),
        },
        this.options.secretWrite,
      );
    } catch (error) {
      await this.records.store.markRevoked(record.id, this.records.now());
      await this.records.store.clearRotation(old.id, graceUntil, now);
      await this.records.audit({
        ...this.records.event('key.rotate', who, publication, old.id),
        outcome: 'failed',
        error: safeMessage(error),
      });
      throw error;
    }
    if (revokeNow)
      await this.records.store.markRemoved([old.id], this.records.now());

    // During the grace period the old and new key share one budget (one rate-limit rule for both),
    // so the route's limits are rebuilt whenever the old key stays valid.
    if (record.rateLimits || !revokeNow)
      await this.limitsChanged(publication.id);
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
    this.options.logger.info(
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
   * Changes a live key's description and its own rate limits. New limits are checked against the
   * gateway's rule budget with the other live keys before anything is written, and the route's
   * BackendTrafficPolicy is rebuilt when they changed. A consumer's key keeps its plan's limits (409).
   */
  async update(input: UpdateKeyInput, who: Actor): Promise<ApiKeyInfo> {
    const publication = await this.records.publication(input.publicationId);
    const record = await this.keyOf(publication.id, input.keyId);
    const now = this.records.now();
    const status = keyStatus(record, now);
    if (status !== 'active' && status !== 'grace') {
      throw new ConflictError(
        `key ${record.id} is ${status}; only a key that still works can be changed`,
      );
    }
    const limitsGiven = input.rateLimits !== undefined;
    if (limitsGiven) {
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
    // Only the numbers given; none at all means the key uses the publication's limits ({}).
    const rateLimits: RateLimits | undefined = limitsGiven
      ? Object.fromEntries(
          Object.entries(input.rateLimits ?? {}).filter(
            ([, v]) => typeof v === 'number',
          ),
        )
      : undefined;
    const limitsChanged =
      rateLimits !== undefined &&
      JSON.stringify(rateLimits) !== JSON.stringify(record.rateLimits ?? {});

    await this.records.store.transaction(publication.id, async store => {
      if (limitsChanged && hasLimits(rateLimits)) {
        const live = await store.listLive(publication.id, now);
        this.checkRuleLimits(
          publication,
          live.map(r => (r.id === record.id ? { ...r, rateLimits } : r)),
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
    if (limitsChanged) await this.limitsChanged(publication.id);
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
    const record = await this.keyOf(publication.id, input.keyId);
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
        await this.sweeper.removeFromSecret(publication, [record]);
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
      if (record.rateLimits) await this.limitsChanged(publication.id);
    }
    if (!wasRevoked) {
      await this.records.audit({
        ...this.records.event('key.revoke', who, publication, record.id),
        outcome: 'succeeded',
      });
      this.options.logger.info(
        `Revoked API key ${record.id} of publication ${publication.id}`,
      );
    }
    const updated = (await this.records.store.get(record.id)) ?? record;
    return toApiKeyInfo(updated, this.records.now());
  }

  /**
   * Takes revoked, expired and end-of-grace keys out of their Secrets and records it (KeySweep).
   */
  async sweep(now: Date = this.records.now()): Promise<SweepResult> {
    return this.sweeper.sweep(now);
  }

  // ---- internals -------------------------------------------------------------------------

  /** Validates the per-key rules against the gateway's limits (256 global / 16 local). */
  private checkRuleLimits(
    publication: KeyPublication,
    live: ApiKeyRecord[],
  ): void {
    const input = {
      config: publication.config,
      detection: { kind: publication.modelKind },
      gateway: { rateLimitMode: this.options.rateLimitMode },
      keys: live.map(r => ({
        clientId: r.clientId,
        key: '',
        rateLimits: r.rateLimits,
        sharesBudgetWith: budgetLinks(live).get(r.id),
      })),
    } as unknown as BuildInput; // only the fields buildRateLimitRules reads
    buildRateLimitRules(input);
  }

  private async manageablePublication(id: string): Promise<KeyPublication> {
    const publication = await this.records.publication(id);
    if (!MANAGEABLE.includes(publication.status)) {
      throw new ConflictError(
        `the publication is ${publication.status}; keys can be issued or rotated only while it is published`,
      );
    }
    return publication;
  }

  private async keyOf(
    publicationId: string,
    keyId: string,
  ): Promise<ApiKeyRecord> {
    const record = await this.records.store.get(keyId);
    if (!record || record.publicationId !== publicationId) {
      throw new NotFoundError(`key ${keyId} not found for this publication`);
    }
    return record;
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
