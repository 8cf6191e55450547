import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotFoundError,
  isError,
} from '@backstage/errors';
import type {
  PublicationStatus,
  RateLimits,
} from '@model-publishing/plugin-model-publishing-common';
import { secretName } from '../gateway/names';
import type { ApiKeyStore } from './ApiKeyStore';
import {
  clientIdForKey,
  generateApiKey,
  hashApiKey,
  keyPrefix,
} from './keyFormat';
import type {
  ActiveKeyLimits,
  ApiKeyRecord,
  KeyAuditEvent,
  KeyAuditor,
  KeyPublication,
  KeyPublicationLookup,
  SecretTarget,
} from './types';

/** Publications whose key Secret exists and may be changed. */
export const MANAGEABLE: PublicationStatus[] = [
  'published',
  'degraded',
  'updating',
];

/** What the key operations (issuing, changes, the sweep) share besides their own settings. */
export interface KeyOperationsBase {
  records: KeyRecords;
  /** Re-applies the publication's per-key limits; never throws. */
  limitsChanged(publicationId: string): Promise<void>;
}

/** What both key services are built from. */
export interface KeyRecordsOptions {
  store: ApiKeyStore;
  publications: KeyPublicationLookup;
  auditor: KeyAuditor;
  logger: LoggerService;
  now?: () => Date;
  /** Injectable for tests only. */
  generateKey?: () => string;
  newId?: () => string;
}

export interface Actor {
  /** Entity ref of the user or service acting. */
  actor: string;
  /** The HTTP request, for audit context. */
  request?: unknown;
}

export function hasLimits(limits: RateLimits | undefined): boolean {
  return !!limits && Object.values(limits).some(v => typeof v === 'number');
}

export function safeMessage(error: unknown): string {
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

/** An ISO 8601 expiry in the future, or a 400 naming `expiresAt`. */
export function parseExpiry(
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

/** Where a publication's key Secret lives (`<isvc>-mp-keys`). */
export function secretTarget(publication: KeyPublication): SecretTarget {
  return {
    cluster: publication.cluster,
    namespace: publication.namespace,
    name: secretName(publication.name),
  };
}

/**
 * The key records and audit events the key services share: new records (hash and prefix only, never
 * the key), publication lookups and audit writes that never hide an outcome.
 */
export class KeyRecords {
  readonly now: () => Date;
  readonly generateKey: () => string;
  private readonly newId: () => string;

  constructor(readonly o: KeyRecordsOptions) {
    this.now = o.now ?? (() => new Date());
    this.generateKey = o.generateKey ?? generateApiKey;
    this.newId = o.newId ?? randomUUID;
  }

  get store(): ApiKeyStore {
    return this.o.store;
  }

  /**
   * A new key and its record (hash and prefix only, never the key). The key goes into the Secret and
   * back to the caller once; it is not kept anywhere else.
   */
  newKey(
    publicationId: string,
    name: string,
    who: Actor,
    now: Date,
    extra: {
      expiresAt?: Date;
      rateLimits?: RateLimits;
      rotatedFrom?: string;
      description?: string;
    },
  ): { key: string; record: ApiKeyRecord } {
    const key = this.generateKey();
    const id = this.newId();
    const record: ApiKeyRecord = {
      id,
      publicationId,
      name,
      ...(extra.description ? { description: extra.description } : {}),
      prefix: keyPrefix(key),
      hash: hashApiKey(key),
      clientId: clientIdForKey(id),
      createdBy: who.actor,
      createdAt: now,
      ...(extra.expiresAt ? { expiresAt: extra.expiresAt } : {}),
      ...(hasLimits(extra.rateLimits) ? { rateLimits: extra.rateLimits } : {}),
      ...(extra.rotatedFrom ? { rotatedFrom: extra.rotatedFrom } : {}),
    };
    return { key, record };
  }

  async publication(id: string): Promise<KeyPublication> {
    const publication = await this.o.publications.get(id);
    if (!publication) throw new NotFoundError(`publication ${id} not found`);
    return publication;
  }

  /** A publication whose keys may be issued or rotated now (409 while it is not published). */
  async manageablePublication(id: string): Promise<KeyPublication> {
    const publication = await this.publication(id);
    if (!MANAGEABLE.includes(publication.status)) {
      throw new ConflictError(
        `the publication is ${publication.status}; keys can be issued or rotated only while it is published`,
      );
    }
    return publication;
  }

  /** The key of that publication (404 for another publication's key). */
  async keyOf(publicationId: string, keyId: string): Promise<ApiKeyRecord> {
    const record = await this.o.store.get(keyId);
    if (!record || record.publicationId !== publicationId) {
      throw new NotFoundError(`key ${keyId} not found for this publication`);
    }
    return record;
  }

  event(
    action: KeyAuditEvent['action'],
    who: Actor,
    publication: Pick<KeyPublication, 'id' | 'entityRef'>,
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

  async audit(event: KeyAuditEvent): Promise<void> {
    try {
      await this.o.auditor.record(event);
    } catch (error) {
      // An audit failure must not hide the outcome from the caller (the key may already exist).
      this.o.logger.error(
        `Could not record audit event ${event.action} for key ${
          event.keyId
        }: ${safeMessage(error)}`,
      );
    }
  }
}

/**
 * Key id → the client id of the key it was rotated from, for keys whose predecessor is still live
 * (its grace period): such a pair shares one rate-limit budget (gateway/backendTrafficPolicy.ts).
 */
function budgetLinks(live: ApiKeyRecord[]): Map<string, string> {
  const byId = new Map(live.map(r => [r.id, r]));
  const links = new Map<string, string>();
  for (const r of live) {
    const from = r.rotatedFrom ? byId.get(r.rotatedFrom) : undefined;
    if (from) links.set(r.id, from.clientId);
  }
  return links;
}

/** Live keys as the route's rate-limit rules need them: client id, own limits, shared budget; never a key. */
export function keyLimitsOf(live: ApiKeyRecord[]): ActiveKeyLimits[] {
  const shared = budgetLinks(live);
  return live.map(r => ({
    clientId: r.clientId,
    ...(r.rateLimits ? { rateLimits: r.rateLimits } : {}),
    ...(shared.has(r.id) ? { sharesBudgetWith: shared.get(r.id) } : {}),
  }));
}
