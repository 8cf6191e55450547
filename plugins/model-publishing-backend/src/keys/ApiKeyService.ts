import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotFoundError,
  isError,
} from '@backstage/errors';
import type {
  ApiKeyInfo,
  IssuedApiKey,
  PublicationStatus,
  RateLimits,
} from '@model-publishing/plugin-model-publishing-common';
import { buildRateLimitRules } from '../gateway/backendTrafficPolicy';
import { secretName } from '../gateway/names';
import type { BuildInput, BuildKey } from '../gateway/types';
import type { ApiKeyStore } from './ApiKeyStore';
import {
  clientIdForKey,
  generateApiKey,
  hashApiKey,
  keyPrefix,
  isWellFormedApiKey,
} from './keyFormat';
import { keyStatus, toApiKeyInfo } from './keyInfo';
import {
  decodeKeyData,
  writeSecretKeys,
  type SecretWriteOptions,
} from './secretKeys';
import type {
  ActiveKeyLimits,
  ApiKeyRecord,
  KeyAuditEvent,
  KeyAuditor,
  KeyPublication,
  KeyPublicationLookup,
  KeySecretClient,
  SecretTarget,
} from './types';

/** Publications whose key Secret exists and may be changed. */
const MANAGEABLE: PublicationStatus[] = ['published', 'degraded', 'updating'];
/** Publications whose objects are gone: their keys are dropped without touching a cluster. */
const GONE: PublicationStatus[] = ['unpublished'];

const HOUR_MS = 3_600_000;

export interface ApiKeyServiceOptions {
  store: ApiKeyStore;
  publications: KeyPublicationLookup;
  secrets: KeySecretClient;
  auditor: KeyAuditor;
  logger: LoggerService;
  /** `modelPublishing.gateway.rateLimitMode`: decides how many per-key rules a route can hold. */
  rateLimitMode: 'global' | 'local';
  /** `modelPublishing.keys.rotationGraceHours` (default 24; 0 = rotation revokes the old key at once). */
  rotationGraceHours?: number;
  now?: () => Date;
  /** Injectable for tests only. */
  generateKey?: () => string;
  newId?: () => string;
  secretWrite?: SecretWriteOptions;
  /**
   * Called after keys with their own rate limits were added or removed: the publication's
   * BackendTrafficPolicy must be rebuilt from `listActiveKeysForPublication` and re-applied.
   * Failures are logged, not thrown (the key operation itself already happened).
   */
  onKeyLimitsChanged?: (publicationId: string) => Promise<void>;
}

export interface Actor {
  /** Entity ref of the user or service acting. */
  actor: string;
  /** The HTTP request, for audit context. */
  request?: unknown;
}

export interface CreateKeyInput {
  publicationId: string;
  name: string;
  expiresAt?: string;
  rateLimits?: RateLimits;
}

export interface RotateKeyInput {
  publicationId: string;
  keyId: string;
  gracePeriodHours?: number;
}

export type RotatedApiKey = IssuedApiKey & { previous: ApiKeyInfo };

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

/** The publishing service's view of a freshly issued first key (see issueInitialKey). */
export interface InitialKey {
  issued: IssuedApiKey;
  /** For BuildInput.keys. Holds the raw key: never log it. */
  buildKey: BuildKey;
}

function hasLimits(limits: RateLimits | undefined): boolean {
  return !!limits && Object.values(limits).some(v => typeof v === 'number');
}

function removalReason(
  r: ApiKeyRecord,
  now: Date,
): SweepResult['removed'][number]['reason'] {
  if (r.revokedAt) return 'revoked';
  if (r.expiresAt && r.expiresAt <= now) return 'expired';
  return 'grace-ended';
}

function safeMessage(error: unknown): string {
  // Our own errors never carry a key; anything else is summarised by name only.
  if (
    isError(error) &&
    /^(InputError|NotFoundError|ConflictError|ServiceUnavailableError|NotAllowedError)$/.test(
      error.name,
    )
  ) {
    return error.message;
  }
  return isError(error) ? error.name : 'unknown error';
}

/**
 * API keys of publications (design §4): issue, list, rotate, revoke, and the scheduled sweep.
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
  private readonly now: () => Date;
  private readonly generateKey: () => string;
  private readonly newId: () => string;
  private readonly graceHours: number;

  constructor(private readonly options: ApiKeyServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.generateKey = options.generateKey ?? generateApiKey;
    this.newId = options.newId ?? randomUUID;
    this.graceHours = options.rotationGraceHours ?? 24;
    if (!(this.graceHours >= 0)) {
      throw new InputError(
        'modelPublishing.keys.rotationGraceHours must be 0 or more',
      );
    }
  }

  async list(publicationId: string): Promise<ApiKeyInfo[]> {
    const now = this.now();
    const records = await this.options.store.listByPublication(publicationId);
    return records.map(r => toApiKeyInfo(r, now));
  }

  /** Keys Envoy accepts now, for rebuilding the BackendTrafficPolicy. Never includes a key. */
  async listActiveKeysForPublication(
    publicationId: string,
  ): Promise<ActiveKeyLimits[]> {
    const records = await this.options.store.listLive(
      publicationId,
      this.now(),
    );
    return records.map(r => ({
      clientId: r.clientId,
      ...(r.rateLimits ? { rateLimits: r.rateLimits } : {}),
    }));
  }

  async create(input: CreateKeyInput, who: Actor): Promise<IssuedApiKey> {
    const publication = await this.manageablePublication(input.publicationId);
    const now = this.now();
    const expiresAt = this.parseExpiry(input.expiresAt, now);
    const rateLimits = hasLimits(input.rateLimits)
      ? input.rateLimits
      : undefined;
    const key = this.generateKey();
    const record = this.newRecord(
      publication.id,
      input.name,
      key,
      who.actor,
      now,
      {
        expiresAt,
        rateLimits,
      },
    );

    await this.options.store.transaction(publication.id, async store => {
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
      if (rateLimits) {
        const live = await store.listLive(publication.id, now);
        this.checkRuleLimits(publication, [...live, record]);
      }
      await store.insert(record);
    });

    try {
      await writeSecretKeys(
        this.options.secrets,
        this.secretTarget(publication),
        { add: { [record.clientId]: key } },
        this.options.secretWrite,
      );
    } catch (error) {
      // Never handed out; revoke so the sweep removes it should the write have landed after all.
      await this.options.store.markRevoked(record.id, this.now());
      await this.audit({
        ...this.event('key.create', who, publication, record.id),
        outcome: 'failed',
        error: safeMessage(error),
      });
      throw error;
    }

    if (rateLimits) await this.limitsChanged(publication.id);
    await this.audit({
      ...this.event('key.create', who, publication, record.id),
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
    const now = this.now();
    const graceUntil = new Date(now.getTime() + graceHours * HOUR_MS);
    const revokeNow = graceHours === 0;
    // The new key lives as long as the old one was meant to (a rotation is not a way to expire).
    const expiresAt = old.expiresAt
      ? new Date(
          now.getTime() + (old.expiresAt.getTime() - old.createdAt.getTime()),
        )
      : undefined;
    const key = this.generateKey();
    const record = this.newRecord(
      publication.id,
      old.name,
      key,
      who.actor,
      now,
      {
        expiresAt,
        rateLimits: old.rateLimits,
        rotatedFrom: old.id,
      },
    );

    await this.options.store.transaction(publication.id, async store => {
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
        this.secretTarget(publication),
        {
          add: { [record.clientId]: key },
          ...(revokeNow ? { remove: [old.clientId] } : {}),
        },
        this.options.secretWrite,
      );
    } catch (error) {
      await this.options.store.markRevoked(record.id, this.now());
      await this.options.store.clearRotation(old.id, graceUntil, now);
      await this.audit({
        ...this.event('key.rotate', who, publication, old.id),
        outcome: 'failed',
        error: safeMessage(error),
      });
      throw error;
    }
    if (revokeNow) await this.options.store.markRemoved([old.id], this.now());

    if (record.rateLimits) await this.limitsChanged(publication.id);
    await this.audit({
      ...this.event('key.rotate', who, publication, old.id),
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
    const previous = (await this.options.store.get(old.id)) ?? old;
    const after = this.now();
    return {
      key: toApiKeyInfo(record, after),
      secret: key,
      previous: toApiKeyInfo(previous, after),
    };
  }

  async revoke(
    input: { publicationId: string; keyId: string },
    who: Actor,
  ): Promise<ApiKeyInfo> {
    const publication = await this.publication(input.publicationId);
    const record = await this.keyOf(publication.id, input.keyId);
    const wasRevoked = !!record.revokedAt;
    // Record first: if the Secret write fails the sweep still removes the key.
    await this.options.store.markRevoked(record.id, this.now());
    // Mid-publish or mid-unpublish the Secret is being written by that operation; the sweep
    // (which waits for it to settle) takes the key out.
    const inFlight =
      publication.status === 'publishing' ||
      publication.status === 'unpublishing';
    if (!record.removedAt && !inFlight) {
      try {
        await this.removeFromSecret(publication, [record]);
      } catch (error) {
        await this.audit({
          ...this.event('key.revoke', who, publication, record.id),
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
      await this.audit({
        ...this.event('key.revoke', who, publication, record.id),
        outcome: 'succeeded',
      });
      this.options.logger.info(
        `Revoked API key ${record.id} of publication ${publication.id}`,
      );
    }
    const updated = (await this.options.store.get(record.id)) ?? record;
    return toApiKeyInfo(updated, this.now());
  }

  /**
   * Takes revoked, expired and end-of-grace keys out of their Secrets and records it. Safe to run
   * concurrently with requests (read-modify-write) and to re-run (removal is idempotent).
   */
  async sweep(now: Date = this.now()): Promise<SweepResult> {
    const result: SweepResult = { removed: [], failed: [], deferred: [] };
    const due = await this.options.store.listDueForRemoval(now);
    const byPublication = new Map<string, ApiKeyRecord[]>();
    for (const r of due) {
      byPublication.set(r.publicationId, [
        ...(byPublication.get(r.publicationId) ?? []),
        r,
      ]);
    }
    for (const [publicationId, records] of byPublication) {
      const publication = await this.options.publications.get(publicationId);
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
          await this.options.store.markRemoved(
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
        this.options.logger.warn(
          `Key sweep could not update the Secret of publication ${publicationId} (${records.length} keys): ${message}`,
        );
        continue;
      }
      for (const r of records) {
        const reason = removalReason(r, now);
        result.removed.push({ keyId: r.id, publicationId, reason });
        await this.audit({
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
        await this.limitsChanged(publicationId);
      }
    }
    if (result.removed.length || result.failed.length) {
      this.options.logger.info(
        `Key sweep removed ${result.removed.length} keys from Secrets; ${result.failed.length} publications failed, ${result.deferred.length} deferred`,
      );
    }
    return result;
  }

  /**
   * For the publishing service, before it records anything: throws the InputError issueInitialKey
   * would throw for this first key (fields named `firstKey.*`), so a bad first key is a 400 that
   * changes nothing instead of a failed publication.
   */
  checkInitialKey(input: { name: string; expiresAt?: string }): void {
    try {
      this.parseExpiry(input.expiresAt, this.now());
    } catch (error) {
      if (isError(error) && error.name === 'InputError') {
        throw new InputError(`firstKey.${error.message}`);
      }
      throw error;
    }
  }

  /**
   * For the publishing service: records the first key of a publication being created and returns
   * it for BuildInput.keys. The Secret is written by the publish itself, so this does not touch the
   * cluster. If the publish fails, call discardKeys.
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
        : await this.publication(input.publicationId);
    const now = this.now();
    const expiresAt = this.parseExpiry(input.expiresAt, now);
    const key = this.generateKey();
    const record = this.newRecord(
      publication.id,
      input.name,
      key,
      who.actor,
      now,
      { expiresAt },
    );
    await this.options.store.insert(record);
    await this.audit({
      ...this.event('key.create', who, publication, record.id),
      outcome: 'succeeded',
    });
    return {
      issued: { key: toApiKeyInfo(record, now), secret: key },
      buildKey: { clientId: record.clientId, key },
    };
  }

  /** For the publishing service after a failed publish or an unpublish: the Secret is gone. */
  async discardKeys(publicationId: string, who: Actor): Promise<void> {
    const now = this.now();
    for (const r of await this.options.store.listByPublication(publicationId)) {
      if (r.removedAt) continue;
      if (!r.revokedAt) await this.options.store.markRevoked(r.id, now);
      await this.options.store.markRemoved([r.id], now);
      if (!r.revokedAt) {
        await this.audit({
          action: 'key.revoke',
          actor: who.actor,
          publicationId,
          keyId: r.id,
          outcome: 'succeeded',
          meta: { reason: 'publication removed' },
          ...(who.request ? { request: who.request } : {}),
        });
      }
    }
  }

  /**
   * For the publishing service re-applying a publication: the live keys as they are in the
   * Secret now (raw values come from the Secret; the database cannot provide them). Prefer not
   * to rewrite Secret data on update at all; if you must, write with the resourceVersion read here.
   */
  async readLiveSecretKeys(
    publicationId: string,
  ): Promise<{ keys: BuildKey[]; resourceVersion?: string }> {
    const publication = await this.publication(publicationId);
    const secret = await this.options.secrets.getSecret(
      this.secretTarget(publication),
    );
    const values = decodeKeyData(secret?.data);
    const records = await this.options.store.listLive(
      publicationId,
      this.now(),
    );
    const keys: BuildKey[] = [];
    for (const r of records) {
      const key = values[r.clientId];
      if (key && isWellFormedApiKey(key)) {
        keys.push({
          clientId: r.clientId,
          key,
          ...(r.rateLimits ? { rateLimits: r.rateLimits } : {}),
        });
      }
    }
    return { keys, resourceVersion: secret?.metadata.resourceVersion };
  }

  // ---- internals -------------------------------------------------------------------------

  private newRecord(
    publicationId: string,
    name: string,
    key: string,
    createdBy: string,
    now: Date,
    extra: { expiresAt?: Date; rateLimits?: RateLimits; rotatedFrom?: string },
  ): ApiKeyRecord {
    const id = this.newId();
    return {
      id,
      publicationId,
      name,
      prefix: keyPrefix(key),
      hash: hashApiKey(key),
      clientId: clientIdForKey(id),
      createdBy,
      createdAt: now,
      ...(extra.expiresAt ? { expiresAt: extra.expiresAt } : {}),
      ...(hasLimits(extra.rateLimits) ? { rateLimits: extra.rateLimits } : {}),
      ...(extra.rotatedFrom ? { rotatedFrom: extra.rotatedFrom } : {}),
    };
  }

  private parseExpiry(
    expiresAt: string | undefined,
    now: Date,
  ): Date | undefined {
    if (expiresAt === undefined) return undefined;
    const at = new Date(expiresAt);
    if (Number.isNaN(at.getTime()))
      throw new InputError('expiresAt must be an ISO 8601 date-time');
    if (at.getTime() <= now.getTime())
      throw new InputError('expiresAt must be in the future');
    return at;
  }

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
      })),
    } as unknown as BuildInput; // only the fields buildRateLimitRules reads
    buildRateLimitRules(input);
  }

  private async publication(id: string): Promise<KeyPublication> {
    const publication = await this.options.publications.get(id);
    if (!publication) throw new NotFoundError(`publication ${id} not found`);
    return publication;
  }

  private async manageablePublication(id: string): Promise<KeyPublication> {
    const publication = await this.publication(id);
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
    const record = await this.options.store.get(keyId);
    if (!record || record.publicationId !== publicationId) {
      throw new NotFoundError(`key ${keyId} not found for this publication`);
    }
    return record;
  }

  private secretTarget(publication: KeyPublication): SecretTarget {
    return {
      cluster: publication.cluster,
      namespace: publication.namespace,
      name: secretName(publication.name),
    };
  }

  /** Removes keys from the Secret and records it; a missing Secret has nothing left to remove. */
  private async removeFromSecret(
    publication: KeyPublication,
    records: ApiKeyRecord[],
    now: Date = this.now(),
  ): Promise<void> {
    if (!GONE.includes(publication.status)) {
      try {
        await writeSecretKeys(
          this.options.secrets,
          this.secretTarget(publication),
          { remove: records.map(r => r.clientId) },
          this.options.secretWrite,
        );
      } catch (error) {
        if (!(isError(error) && error.name === 'NotFoundError')) throw error;
        this.options.logger.warn(
          `Key Secret of publication ${publication.id} is missing; nothing to remove`,
        );
      }
    }
    await this.options.store.markRemoved(
      records.map(r => r.id),
      now,
    );
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

  private event(
    action: KeyAuditEvent['action'],
    who: Actor,
    publication: KeyPublication,
    keyId: string,
  ): Omit<KeyAuditEvent, 'outcome'> {
    return {
      action,
      actor: who.actor,
      publicationId: publication.id,
      ...(publication.entityRef ? { entityRef: publication.entityRef } : {}),
      keyId,
      ...(who.request ? { request: who.request } : {}),
    };
  }

  private async audit(event: KeyAuditEvent): Promise<void> {
    try {
      await this.options.auditor.record(event);
    } catch (error) {
      // An audit failure must not hide the outcome from the caller (the key may already exist).
      this.options.logger.error(
        `Could not record audit event ${event.action} for key ${
          event.keyId
        }: ${safeMessage(error)}`,
      );
    }
  }
}
