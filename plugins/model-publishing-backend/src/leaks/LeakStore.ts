import type { Knex } from 'knex';
import { isUniqueViolation, toDate } from '../database/util';

/** What a leak report needs to know about the key a token names. */
export interface LeakedKeyRecord {
  id: string;
  publicationId: string;
  name: string;
  createdBy: string;
  consumerRef?: string;
  revokedAt?: Date;
}

export type LeakAction = 'revoked' | 'suspended';

export interface LeakClaim {
  keyId: string;
  publicationId: string;
  reportId: string;
  reportedBy: string;
  tokenType?: string;
  url?: string;
  source?: string;
  action: LeakAction;
  reportedAt: Date;
}

/** The leaked_keys table (migration 20261205121000) and the key lookups of a report. */
export class LeakStore {
  constructor(private readonly db: Knex) {}

  private async findKey(
    where: Record<string, string>,
  ): Promise<LeakedKeyRecord | undefined> {
    const row = await this.db('api_keys')
      .select(
        'id',
        'publication_id',
        'name',
        'created_by',
        'consumer_ref',
        'revoked_at',
      )
      .where(where)
      .first();
    if (!row) return undefined;
    return {
      id: row.id,
      publicationId: row.publication_id,
      name: row.name,
      createdBy: row.created_by,
      ...(row.consumer_ref ? { consumerRef: row.consumer_ref } : {}),
      ...(row.revoked_at ? { revokedAt: toDate(row.revoked_at) } : {}),
    };
  }

  /** The key whose SHA-256 is `hash` (the column is unique). */
  findByHash(hash: string): Promise<LeakedKeyRecord | undefined> {
    return this.findKey({ hash });
  }

  findById(id: string): Promise<LeakedKeyRecord | undefined> {
    return this.findKey({ id });
  }

  /**
   * Claims the key for this report. True for the first report of the key (it acts and notifies); false for
   * every later one, on any replica (the primary key decides).
   */
  async claim(c: LeakClaim): Promise<boolean> {
    try {
      await this.db('leaked_keys').insert({
        key_id: c.keyId,
        publication_id: c.publicationId,
        report_id: c.reportId,
        reported_by: c.reportedBy,
        token_type: c.tokenType?.slice(0, 100) ?? null,
        url: c.url?.slice(0, 2000) ?? null,
        source: c.source?.slice(0, 64) ?? null,
        action: c.action,
        reported_at: c.reportedAt,
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async get(
    keyId: string,
  ): Promise<
    { action: LeakAction; reportedAt: Date; reportedBy: string } | undefined
  > {
    const row = await this.db('leaked_keys').where({ key_id: keyId }).first();
    return row
      ? {
          action: row.action as LeakAction,
          reportedAt: toDate(row.reported_at),
          reportedBy: row.reported_by,
        }
      : undefined;
  }
}
