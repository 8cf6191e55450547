import type { Knex } from 'knex';
import { columnOf, fieldsOfRow } from '../database/fields';
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

/** The record's fields, each in its column of api_keys (`revokedAt` a timestamp). */
const KEY_FIELDS = [
  'id',
  'publicationId',
  'name',
  'createdBy',
  'consumerRef',
] as const;
const KEY_COLUMNS = [...KEY_FIELDS, 'revokedAt'].map(columnOf);

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
      .select(...KEY_COLUMNS)
      .where(where)
      .first();
    return row
      ? fieldsOfRow<LeakedKeyRecord>(row, KEY_FIELDS, ['revokedAt'])
      : undefined;
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
