import type { Knex } from 'knex';
import type {
  AccessRequest,
  AccessRequestStatus,
  RateLimits,
} from '@model-publishing/plugin-model-publishing-common';
import { toDate, toIso } from '../database/util';
import { groupBy } from './groupBy';

const REQUESTS = 'access_requests';
const KEYS = 'api_keys';

interface RequestRow {
  id: string;
  publication_id: string;
  entity_ref: string;
  plan_id: string;
  purpose: string;
  consumer_ref: string;
  requester: string;
  status: string;
  key_lifetime_days: number | null;
  decided_by: string | null;
  decided_at: unknown;
  reason: string | null;
  key_id: string | null;
  created_at: unknown;
  plan_name?: string | null;
}

function fromRow(row: RequestRow): AccessRequest {
  return {
    id: row.id,
    publicationId: row.publication_id,
    entityRef: row.entity_ref,
    planId: row.plan_id,
    planName: row.plan_name ?? '',
    purpose: row.purpose,
    consumerRef: row.consumer_ref,
    requester: row.requester,
    status: row.status as AccessRequestStatus,
    ...(row.key_lifetime_days
      ? { keyLifetimeDays: row.key_lifetime_days }
      : {}),
    ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
    ...(row.decided_at ? { decidedAt: toIso(row.decided_at) } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.key_id ? { keyId: row.key_id } : {}),
    createdAt: toIso(row.created_at),
  };
}

export interface NewAccessRequest {
  id: string;
  publicationId: string;
  entityRef: string;
  planId: string;
  purpose: string;
  consumerRef: string;
  requester: string;
  status: 'pending' | 'approved';
  keyLifetimeDays?: number;
  decidedBy?: string;
}

/** Consumer columns of an API key (migration 20261205100000). */
export interface ConsumerKeyRow {
  keyId: string;
  publicationId: string;
  planId?: string;
  consumerRef?: string;
  requestId?: string;
  suspendedAt?: Date;
  expiresAt?: Date;
}

/** The consumer columns of api_keys, as both databases return them. */
const CONSUMER_KEY_COLUMNS = [
  'id',
  'publication_id',
  'plan_id',
  'consumer_ref',
  'request_id',
  'suspended_at',
  'expires_at',
] as const;

type ConsumerKeyDbRow = {
  id: string;
  publication_id: string;
  plan_id: string | null;
  consumer_ref: string | null;
  request_id: string | null;
  suspended_at: unknown;
  expires_at: unknown;
};

function consumerKeyFromRow(r: ConsumerKeyDbRow): ConsumerKeyRow {
  return {
    keyId: r.id,
    publicationId: r.publication_id,
    ...(r.plan_id ? { planId: r.plan_id } : {}),
    ...(r.consumer_ref ? { consumerRef: r.consumer_ref } : {}),
    ...(r.request_id ? { requestId: r.request_id } : {}),
    ...(r.suspended_at ? { suspendedAt: toDate(r.suspended_at) } : {}),
    ...(r.expires_at ? { expiresAt: toDate(r.expires_at) } : {}),
  };
}

/**
 * Access requests and the consumer side of API keys. State changes are conditional updates on the
 * current status: concurrent approvals, denials and key collections race on one row, one wins.
 */
export class AccessStore {
  constructor(private readonly db: Knex) {}

  private requests() {
    return this.db<RequestRow>(REQUESTS)
      .leftJoin('publication_plans as p', 'p.id', `${REQUESTS}.plan_id`)
      .select(`${REQUESTS}.*`, 'p.name as plan_name');
  }

  async insert(r: NewAccessRequest, now: Date): Promise<void> {
    await this.db(REQUESTS).insert({
      id: r.id,
      publication_id: r.publicationId,
      entity_ref: r.entityRef,
      plan_id: r.planId,
      purpose: r.purpose,
      consumer_ref: r.consumerRef,
      requester: r.requester,
      status: r.status,
      key_lifetime_days: r.keyLifetimeDays ?? null,
      decided_by: r.decidedBy ?? null,
      decided_at: r.status === 'approved' ? now : null,
      created_at: now,
    });
  }

  async get(id: string): Promise<AccessRequest | undefined> {
    const row = await this.requests().where(`${REQUESTS}.id`, id).first();
    return row ? fromRow(row as RequestRow) : undefined;
  }

  async listByPublication(
    publicationId: string,
    status?: AccessRequestStatus,
  ): Promise<AccessRequest[]> {
    const q = this.requests().where(
      `${REQUESTS}.publication_id`,
      publicationId,
    );
    if (status) q.andWhere(`${REQUESTS}.status`, status);
    const rows = await q.orderBy(`${REQUESTS}.created_at`, 'desc').limit(500);
    return (rows as RequestRow[]).map(fromRow);
  }

  /** Pending requests of every model, oldest first (the approvals page filters them by permission). */
  async listPending(limit = 500): Promise<AccessRequest[]> {
    const rows = await this.requests()
      .where(`${REQUESTS}.status`, 'pending')
      .orderBy(`${REQUESTS}.created_at`, 'asc')
      .limit(limit);
    return (rows as RequestRow[]).map(fromRow);
  }

  async listByRequester(requester: string): Promise<AccessRequest[]> {
    const rows = await this.requests()
      .where(`${REQUESTS}.requester`, requester)
      .orderBy(`${REQUESTS}.created_at`, 'desc')
      .limit(500);
    return (rows as RequestRow[]).map(fromRow);
  }

  /** pending → approved (maybe on another plan / with a shorter lifetime). False when not pending. */
  approve(
    id: string,
    decision: { by: string; planId: string; keyLifetimeDays?: number },
    now: Date,
  ): Promise<boolean> {
    return this.decidePending(id, decision.by, now, {
      status: 'approved',
      plan_id: decision.planId,
      key_lifetime_days: decision.keyLifetimeDays ?? null,
    });
  }

  /** pending → denied. False when not pending. */
  deny(
    id: string,
    decision: { by: string; reason: string },
    now: Date,
  ): Promise<boolean> {
    return this.decidePending(id, decision.by, now, {
      status: 'denied',
      reason: decision.reason,
    });
  }

  /** Records a decision on a pending request; false when it was no longer pending (another decision won). */
  private async decidePending(
    id: string,
    by: string,
    now: Date,
    outcome: Partial<RequestRow>,
  ): Promise<boolean> {
    const count = await this.db(REQUESTS)
      .where({ id, status: 'pending' })
      .update({ ...outcome, decided_by: by, decided_at: now });
    return count === 1;
  }

  /** approved → issued: the one caller that gets true issues the key. */
  async claimIssue(id: string): Promise<boolean> {
    const count = await this.db(REQUESTS)
      .where({ id, status: 'approved' })
      .update({ status: 'issued' });
    return count === 1;
  }

  /** Gives an issue claim back when the key could not be issued, so the requester can try again. */
  async releaseIssue(id: string): Promise<void> {
    await this.db(REQUESTS)
      .where({ id, status: 'issued' })
      .whereNull('key_id')
      .update({ status: 'approved' });
  }

  /**
   * Links an issued key to its request, plan and consumer. The unique request_id on api_keys makes a
   * second key for the same request impossible even if two issuers got this far.
   */
  async linkKey(
    requestId: string,
    link: { keyId: string; planId: string; consumerRef: string },
  ): Promise<void> {
    await this.db.transaction(async tx => {
      await tx(KEYS).where({ id: link.keyId }).update({
        plan_id: link.planId,
        consumer_ref: link.consumerRef,
        request_id: requestId,
      });
      await tx(REQUESTS)
        .where({ id: requestId })
        .update({ key_id: link.keyId });
    });
  }

  async consumerKeys(filter: {
    publicationId?: string;
    consumerRefs?: string[];
    keyId?: string;
  }): Promise<ConsumerKeyRow[]> {
    const q = this.db(KEYS)
      .select(...CONSUMER_KEY_COLUMNS)
      .whereNotNull('consumer_ref');
    if (filter.publicationId)
      q.andWhere('publication_id', filter.publicationId);
    if (filter.consumerRefs) q.whereIn('consumer_ref', filter.consumerRefs);
    if (filter.keyId) q.andWhere('id', filter.keyId);
    const rows: ConsumerKeyDbRow[] = await q
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }])
      .limit(1000);
    return rows.map(consumerKeyFromRow);
  }

  /**
   * Suspends a key: an Exact rule of 0 requests for its client id (the BackendTrafficPolicy CRD allows 0)
   * answers every request with 429 while the key stays in the Secret, so it can be resumed. The raw key
   * is never stored anywhere else. False when already suspended.
   */
  async suspend(keyId: string, now: Date): Promise<boolean> {
    const suspended: RateLimits = { requestsPerMinute: 0 };
    const count = await this.db(KEYS)
      .where({ id: keyId })
      .whereNull('suspended_at')
      .update({ suspended_at: now, rate_limits: JSON.stringify(suspended) });
    return count === 1;
  }

  /** Resumes a suspended key with its plan's limits (none for the default plan). False when not suspended. */
  async resume(
    keyId: string,
    limits: RateLimits | undefined,
  ): Promise<boolean> {
    const count = await this.db(KEYS)
      .where({ id: keyId })
      .whereNotNull('suspended_at')
      .update({
        suspended_at: null,
        rate_limits:
          limits && Object.keys(limits).length ? JSON.stringify(limits) : null,
      });
    return count === 1;
  }

  /**
   * Gives the live, unsuspended keys of a plan the plan's current limits (a suspended key keeps its 0
   * and gets them when resumed). Returns how many keys changed.
   */
  async setPlanKeyLimits(planId: string, limits: RateLimits): Promise<number> {
    const value = Object.keys(limits).length ? JSON.stringify(limits) : null;
    const q = this.db(KEYS)
      .where({ plan_id: planId })
      .whereNull('suspended_at')
      .whereNull('revoked_at')
      .whereNull('removed_at');
    if (value === null) q.whereNotNull('rate_limits');
    else
      q.andWhere(w =>
        w.whereNull('rate_limits').orWhereNot('rate_limits', value),
      );
    return q.update({ rate_limits: value });
  }

  /** Live consumer keys whose expiry falls before `before` and whose holders were not told yet. */
  async keysExpiringBefore(before: Date, now: Date): Promise<ConsumerKeyRow[]> {
    const rows: ConsumerKeyDbRow[] = await this.db(KEYS)
      .select(...CONSUMER_KEY_COLUMNS)
      .whereNotNull('consumer_ref')
      .whereNull('revoked_at')
      .whereNull('removed_at')
      .whereNull('expiry_notified_at')
      .where('expires_at', '>', now)
      .andWhere('expires_at', '<=', before)
      .limit(1000);
    return rows.map(consumerKeyFromRow);
  }

  /** Marks the expiry notice as sent; false when another replica sent it first. */
  async markExpiryNotified(keyId: string, now: Date): Promise<boolean> {
    const count = await this.db(KEYS)
      .where({ id: keyId })
      .whereNull('expiry_notified_at')
      .update({ expiry_notified_at: now });
    return count === 1;
  }

  /** Consumer entities holding live keys, per publication (the catalog's consumesApi relations). */
  async consumerRefsByPublication(): Promise<Map<string, string[]>> {
    const rows: { publication_id: string; consumer_ref: string }[] =
      await this.db(KEYS)
        .distinct('publication_id', 'consumer_ref')
        .whereNotNull('consumer_ref')
        .whereNull('revoked_at')
        .whereNull('removed_at')
        .orderBy(['publication_id', 'consumer_ref']);
    return new Map(
      [...groupBy(rows, r => r.publication_id)].map(([id, group]) => [
        id,
        group.map(r => r.consumer_ref),
      ]),
    );
  }

  /** Distinct consumers of live keys, for the lifecycle check against the catalog. */
  async liveConsumers(): Promise<
    {
      consumerRef: string;
      keyId: string;
      publicationId: string;
      suspended: boolean;
    }[]
  > {
    const rows = await this.db(KEYS)
      .select('id', 'publication_id', 'consumer_ref', 'suspended_at')
      .whereNotNull('consumer_ref')
      .whereNull('revoked_at')
      .whereNull('removed_at');
    return rows.map(
      (r: {
        id: string;
        publication_id: string;
        consumer_ref: string;
        suspended_at: unknown;
      }) => ({
        consumerRef: r.consumer_ref,
        keyId: r.id,
        publicationId: r.publication_id,
        suspended: !!r.suspended_at,
      }),
    );
  }
}
