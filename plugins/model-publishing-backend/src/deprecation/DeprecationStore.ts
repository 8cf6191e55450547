import type { Knex } from 'knex';
import { fieldsOfRow, rowOf } from '../database/fields';
import type { DeprecationTimes } from './headers';

const TABLE = 'publication_deprecations';

export type AtSunset = 'unpublish' | 'stop-new-keys';

export interface DeprecationRecord extends DeprecationTimes {
  publicationId: string;
  deprecatedBy: string;
  successor?: string;
  message?: string;
  atSunset: AtSunset;
  notifiedAt?: Date;
}

/** What a deprecation sets (or changes), each in its column; `successor` is successor_ref. */
const SET_FIELDS = [
  'deprecatedBy',
  'sunsetAt',
  'successorUrl',
  'message',
  'atSunset',
] as const;

function fromRow(r: Record<string, any>): DeprecationRecord {
  return {
    ...fieldsOfRow<DeprecationRecord>(
      r,
      ['publicationId', ...SET_FIELDS],
      ['deprecatedAt', 'sunsetAt', 'notifiedAt', 'remindedAt', 'sunsetDoneAt'],
    ),
    ...(r.successor_ref ? { successor: r.successor_ref } : {}),
  };
}

/** publication_deprecations (migration 20261205121000). Each notice and the sunset are claimed by a conditional update. */
export class DeprecationStore {
  constructor(private readonly db: Knex) {}

  async get(publicationId: string): Promise<DeprecationRecord | undefined> {
    const row = await this.db(TABLE)
      .where({ publication_id: publicationId })
      .first();
    return row ? fromRow(row) : undefined;
  }

  /** Sets (or changes) a deprecation. A changed sunset re-arms the reminder; the first notice is kept. */
  async upsert(
    d: Omit<DeprecationRecord, 'notifiedAt' | 'remindedAt' | 'sunsetDoneAt'>,
  ): Promise<void> {
    const current = await this.get(d.publicationId);
    const row = {
      ...rowOf(d, SET_FIELDS),
      successor_ref: d.successor ?? null,
    };
    if (!current) {
      await this.db(TABLE).insert({
        publication_id: d.publicationId,
        deprecated_at: d.deprecatedAt,
        ...row,
      });
      return;
    }
    const sunsetMoved = current.sunsetAt.getTime() !== d.sunsetAt.getTime();
    await this.db(TABLE)
      .where({ publication_id: d.publicationId })
      .update({ ...row, ...(sunsetMoved ? { reminded_at: null } : {}) });
  }

  async remove(publicationId: string): Promise<boolean> {
    return (
      (await this.db(TABLE).where({ publication_id: publicationId }).delete()) >
      0
    );
  }

  /** Deprecations with something still to do (a notice or the sunset). */
  async pending(): Promise<DeprecationRecord[]> {
    const rows = await this.db(TABLE)
      .whereNull('sunset_done_at')
      .orderBy('sunset_at')
      .limit(1000);
    return rows.map(fromRow);
  }

  /** Claims one step (`notified_at`, `reminded_at` or `sunset_done_at`); false when another replica did. */
  async claim(
    publicationId: string,
    column: 'notified_at' | 'reminded_at' | 'sunset_done_at',
    now: Date,
  ): Promise<boolean> {
    const count = await this.db(TABLE)
      .where({ publication_id: publicationId })
      .whereNull(column)
      .update({ [column]: now });
    return count === 1;
  }
}
