import type { Knex } from 'knex';
import type { RateLimits } from '@model-publishing/plugin-model-publishing-common';
import { fieldsOfRow, rowOf } from '../database/fields';
import { toDate } from '../database/util';
import type { ApiKeyRecord } from './types';

const TABLE = 'api_keys';

interface Row {
  id: string;
  publication_id: string;
  name: string;
  description?: string | null;
  prefix: string;
  hash: string;
  client_id: string;
  created_by: string;
  created_at: Date | string | number;
  expires_at: Date | string | number | null;
  revoked_at: Date | string | number | null;
  last_used_at: Date | string | number | null;
  rotated_from: string | null;
  grace_until: Date | string | number | null;
  removed_at: Date | string | number | null;
  rate_limits: string | null;
  /** The usage store's last use of the key (usage_key_last_used), where the query joins it. */
  usage_last_used_ms?: string | number | null;
}

/** A key's fields, each in its column of api_keys (rate limits are JSON text). */
const TEXT_FIELDS = [
  'id',
  'publicationId',
  'name',
  'description',
  'prefix',
  'hash',
  'clientId',
  'createdBy',
  'rotatedFrom',
] as const;
const DATE_FIELDS = [
  'createdAt',
  'expiresAt',
  'revokedAt',
  'graceUntil',
  'removedAt',
] as const;

function fromRow(row: Row): ApiKeyRecord {
  // The usage rollups' figure when there is one, so the key list and the usage reports agree;
  // last_used_at is only set on keys from before usage tracking recorded last use itself.
  const lastUsed = row.usage_last_used_ms ?? row.last_used_at;
  return {
    ...fieldsOfRow<ApiKeyRecord>(row, TEXT_FIELDS, DATE_FIELDS),
    ...(lastUsed !== null && lastUsed !== undefined
      ? { lastUsedAt: toDate(lastUsed) }
      : {}),
    ...(row.rate_limits
      ? { rateLimits: JSON.parse(row.rate_limits) as RateLimits }
      : {}),
  };
}

function toRow(r: ApiKeyRecord): Record<string, unknown> {
  return {
    ...rowOf(r, [...TEXT_FIELDS, ...DATE_FIELDS, 'lastUsedAt']),
    rate_limits:
      r.rateLimits && Object.keys(r.rateLimits).length
        ? JSON.stringify(r.rateLimits)
        : null,
  };
}

/** Keys whose time is up but that may still be in the Secret: revoked, expired, or past grace. */
function whereDue(q: Knex.QueryBuilder, now: Date): Knex.QueryBuilder {
  return q
    .whereNull('removed_at')
    .andWhere(w =>
      w
        .whereNotNull('revoked_at')
        .orWhere('expires_at', '<=', now)
        .orWhere('grace_until', '<=', now),
    );
}

/** Persistence of API keys: hashes and metadata only (the raw key never reaches this class). */
export class ApiKeyStore {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /** Keys with the last use the usage store recorded for them (migration 20261126120000). */
  private withLastUse() {
    return this.db<Row>(TABLE)
      .leftJoin('usage_key_last_used as u', join =>
        join
          .on('u.publication_id', '=', `${TABLE}.publication_id`)
          .andOn('u.client_id', '=', `${TABLE}.client_id`),
      )
      .select(`${TABLE}.*`, 'u.last_used_ms as usage_last_used_ms');
  }

  /** Runs `fn` in one transaction; on PostgreSQL it first locks the publication row so key
   * changes of one publication (name checks, rotations) are serialised across replicas. */
  async transaction<T>(
    publicationId: string,
    fn: (store: ApiKeyStore) => Promise<T>,
  ): Promise<T> {
    return (this.db as Knex).transaction(async trx => {
      const client = String(
        (trx.client as { config?: { client?: unknown } }).config?.client ?? '',
      );
      if (!/sqlite/.test(client)) {
        // SQLite serialises writers anyway and does not support FOR UPDATE.
        await trx('publications')
          .where({ id: publicationId })
          .forUpdate()
          .first('id');
      }
      return fn(new ApiKeyStore(trx));
    });
  }

  async insert(record: ApiKeyRecord): Promise<void> {
    // A rotated key stays its consumer's, on its plan (consumer columns of migration 20261205100000):
    // rotation must not take a consumer's key off their access page or its plan.
    const consumer = record.rotatedFrom
      ? await this.db(TABLE)
          .where({ id: record.rotatedFrom })
          .first('plan_id', 'consumer_ref')
      : undefined;
    await this.db(TABLE).insert({
      ...toRow(record),
      ...(consumer
        ? { plan_id: consumer.plan_id, consumer_ref: consumer.consumer_ref }
        : {}),
    });
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const row: Row | undefined = await this.withLastUse()
      .where(`${TABLE}.id`, id)
      .first();
    return row ? fromRow(row) : undefined;
  }

  async listByPublication(publicationId: string): Promise<ApiKeyRecord[]> {
    const rows: Row[] = await this.withLastUse()
      .where(`${TABLE}.publication_id`, publicationId)
      .orderBy([
        { column: `${TABLE}.created_at`, order: 'asc' },
        { column: `${TABLE}.id` },
      ]);
    return rows.map(fromRow);
  }

  /** Keys `actor` created on any of the publications, oldest first: one query per 400 publications. */
  async listCreatedBy(
    actor: string,
    publicationIds: string[],
  ): Promise<ApiKeyRecord[]> {
    const out: ApiKeyRecord[] = [];
    for (let i = 0; i < publicationIds.length; i += 400) {
      const rows: Row[] = await this.withLastUse()
        .where(`${TABLE}.created_by`, actor)
        .whereIn(`${TABLE}.publication_id`, publicationIds.slice(i, i + 400))
        .orderBy([
          { column: `${TABLE}.created_at`, order: 'asc' },
          { column: `${TABLE}.id` },
        ]);
      out.push(...rows.map(fromRow));
    }
    return out;
  }

  /** Keys that must be in the Secret now: not revoked, not expired, within grace if rotated. */
  async listLive(publicationId: string, now: Date): Promise<ApiKeyRecord[]> {
    const rows = await this.db<Row>(TABLE)
      .where({ publication_id: publicationId })
      .whereNull('revoked_at')
      .whereNull('removed_at')
      .andWhere(w => w.whereNull('expires_at').orWhere('expires_at', '>', now))
      .andWhere(w =>
        w.whereNull('grace_until').orWhere('grace_until', '>', now),
      )
      .orderBy([{ column: 'created_at', order: 'asc' }, { column: 'id' }]);
    return rows.map(fromRow);
  }

  /** An active (not rotated, revoked or expired) key of the publication with this name. */
  async findActiveByName(
    publicationId: string,
    name: string,
    now: Date,
  ): Promise<ApiKeyRecord | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ publication_id: publicationId, name })
      .whereNull('revoked_at')
      .whereNull('grace_until')
      .whereNull('removed_at')
      .andWhere(w => w.whereNull('expires_at').orWhere('expires_at', '>', now))
      .first();
    return row ? fromRow(row) : undefined;
  }

  /**
   * Marks an active key as rotated, atomically: only one of several concurrent rotations of the
   * same key can win. `graceUntil <= now` means revoke now. Returns false if the key was not active.
   */
  async markRotated(id: string, graceUntil: Date, now: Date): Promise<boolean> {
    const update =
      graceUntil.getTime() <= now.getTime()
        ? { revoked_at: now }
        : { grace_until: graceUntil };
    const count = await this.db(TABLE)
      .where({ id })
      .whereNull('revoked_at')
      .whereNull('grace_until')
      .whereNull('removed_at')
      .andWhere(w => w.whereNull('expires_at').orWhere('expires_at', '>', now))
      .update(update);
    return count === 1;
  }

  /**
   * Undoes markRotated when the Secret could not be updated (the old key is still in it). Only
   * undoes exactly what that call set, so a revocation that happened meanwhile stands.
   */
  async clearRotation(id: string, graceUntil: Date, now: Date): Promise<void> {
    const q = this.db(TABLE).where({ id }).whereNull('removed_at');
    if (graceUntil.getTime() <= now.getTime()) {
      await q
        .where('revoked_at', now)
        .whereNull('grace_until')
        .update({ revoked_at: null });
    } else {
      await q
        .where('grace_until', graceUntil)
        .whereNull('revoked_at')
        .update({ grace_until: null });
    }
  }

  /**
   * Changes what an owner may change on a key: its description and its own rate limits (an empty
   * object clears them: the key uses the publication's). Undefined fields stay as they are.
   */
  async updateDetails(
    id: string,
    changes: { description?: string; rateLimits?: RateLimits },
  ): Promise<void> {
    const update: Partial<Row> = {};
    if (changes.description !== undefined)
      update.description = changes.description || null;
    if (changes.rateLimits !== undefined)
      update.rate_limits = Object.keys(changes.rateLimits).length
        ? JSON.stringify(changes.rateLimits)
        : null;
    if (Object.keys(update).length)
      await this.db(TABLE).where({ id }).update(update);
  }

  /** The consumer a key was issued to through an access request (its limits are its plan's). */
  async consumerOf(id: string): Promise<string | undefined> {
    const row = await this.db(TABLE).where({ id }).first('consumer_ref');
    return row?.consumer_ref ?? undefined;
  }

  /** Revokes a key unless already revoked. Returns false when nothing changed. */
  async markRevoked(id: string, now: Date): Promise<boolean> {
    const count = await this.db(TABLE)
      .where({ id })
      .whereNull('revoked_at')
      .update({ revoked_at: now });
    return count === 1;
  }

  /** Records that the keys are no longer in the Secret. */
  async markRemoved(ids: string[], now: Date): Promise<void> {
    if (!ids.length) return;
    await this.db(TABLE)
      .whereIn('id', ids)
      .whereNull('removed_at')
      .update({ removed_at: now });
  }

  /** Keys to take out of their Secret: revoked, expired or past grace, and not yet removed. */
  async listDueForRemoval(now: Date, limit = 1000): Promise<ApiKeyRecord[]> {
    const rows = await whereDue(this.db<Row>(TABLE).select(), now)
      .orderBy([{ column: 'publication_id' }, { column: 'id' }])
      .limit(limit);
    return rows.map(fromRow);
  }
}
