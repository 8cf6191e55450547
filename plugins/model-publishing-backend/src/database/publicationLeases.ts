import type { Knex } from 'knex';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import {
  fromRow,
  IN_FLIGHT_STATUSES,
  type Lease,
  leaseColumns,
  type Row,
  TABLE,
} from './publicationRows';
import { toDate } from './util';

/** Who may take over what (listTakeable, claim). */
export interface TakeableQuery {
  lease: Pick<Lease, 'holder' | 'token'>;
  now: Date;
  /**
   * Also leases of an earlier process of this instance, whether or not they ran out: only at start-up,
   * when that process is known to be gone.
   */
  restarted?: boolean;
}

/** In flight, and the lease ran out (or, after a restart, belongs to an earlier process of this instance). */
function takeable<Q extends Knex.QueryBuilder>(q: Q, t: TakeableQuery): Q {
  return q.whereIn('status', IN_FLIGHT_STATUSES).where(b => {
    b.whereNull('lease_expires_at').orWhere('lease_expires_at', '<', t.now);
    if (t.restarted)
      b.orWhere(own =>
        own
          .where('lease_holder', t.lease.holder)
          .whereNot('lease_token', t.lease.token),
      );
  }) as Q;
}

/** The leases of in-flight operations on publication records: renewal, and takeover when they run out. */
export class PublicationLeases {
  constructor(private readonly db: Knex) {}

  /**
   * Records in flight whose operation may be taken over at `now`: the lease ran out (its holder stopped
   * renewing it: the process died), or — at start-up — it is held by an earlier process of this instance.
   */
  async listTakeable(t: TakeableQuery, limit = 100): Promise<Publication[]> {
    const rows = await takeable(this.db<Row>(TABLE), t)
      .orderBy('updated_at', 'asc')
      .limit(limit);
    return rows.map(fromRow);
  }

  /**
   * Takes over a record's in-flight operation: one conditional update, so of two instances (or a request
   * and the reconciler) trying at once exactly one gets the record; the other gets undefined.
   */
  async claim(
    id: string,
    lease: Lease,
    t: Omit<TakeableQuery, 'lease'>,
  ): Promise<Publication | undefined> {
    const [row] = (await takeable(this.db<Row>(TABLE).where({ id }), {
      ...t,
      lease,
    })
      .update({ ...leaseColumns(lease), updated_at: t.now })
      .returning('*')) as Row[];
    return row ? fromRow(row) : undefined;
  }

  /** Extends this process's lease; false when the record is no longer in flight under it (taken over, or done). */
  async renew(id: string, lease: Lease): Promise<boolean> {
    const n = await this.db(TABLE)
      .where({ id, lease_token: lease.token })
      .whereIn('status', IN_FLIGHT_STATUSES)
      .update({ lease_expires_at: lease.expiresAt });
    return Number(n) > 0;
  }

  /** When the record's in-flight lease runs out (undefined when it holds none). */
  async of(
    id: string,
  ): Promise<{ holder?: string; expiresAt?: Date } | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ id })
      .first('lease_holder', 'lease_expires_at');
    if (!row) return undefined;
    return {
      ...(row.lease_holder ? { holder: row.lease_holder } : {}),
      ...(row.lease_expires_at
        ? { expiresAt: toDate(row.lease_expires_at) }
        : {}),
    };
  }
}
