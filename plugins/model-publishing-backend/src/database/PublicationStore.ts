import { Knex } from 'knex';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  Publication,
  PublicationStatus,
} from '@model-publishing/plugin-model-publishing-common';
import type { HostnameHolder } from '../publishing/hostnamePolicy';
import {
  noPublicationSignals,
  type PublicationSignals,
} from '../signals/PublicationSignals';
import { claimHostname, PublicationHostnames } from './publicationHostnames';
import { PublicationLeases, type TakeableQuery } from './publicationLeases';
import {
  countMatching,
  listPage,
  type ListPublicationsQuery,
  type Page,
  type PublicationCounts,
} from './publicationListing';
import {
  fromRow,
  HISTORY,
  isPostgres,
  type Lease,
  LIVE_STATUSES,
  liveKey,
  type NewPublication,
  patchColumns,
  type PublicationPatch,
  type Row,
  TABLE,
  toRow,
} from './publicationRows';
import { isUniqueViolation, toIso } from './util';

export {
  IN_FLIGHT_STATUSES,
  LIVE_STATUSES,
  liveKey,
  type Lease,
  type NewPublication,
  type PublicationPatch,
} from './publicationRows';
export type {
  ListPublicationsQuery,
  Page,
  PublicationCounts,
  PublicationSort,
} from './publicationListing';
export type { TakeableQuery } from './publicationLeases';

/** A cap on an owner's live publications, enforced atomically with the insert. */
export interface OwnerQuota {
  max: number;
  /** The error to throw when the owner already has `live` (≥ max) live publications. */
  exceeded(live: number): Error;
}

async function countLive(db: Knex, owner: string): Promise<number> {
  const [{ count }] = await db(TABLE)
    .where({ owner })
    .whereNotNull('live_key')
    .count({ count: '*' });
  return Number(count);
}

/**
 * Publications and their status history. All writes that change status also append history. Leases
 * (publicationLeases), hostnames (publicationHostnames) and listing (publicationListing) have their own
 * modules; this class is the one door to them.
 */
export class PublicationStore {
  private readonly leases: PublicationLeases;
  private readonly hostnames: PublicationHostnames;

  constructor(
    private readonly db: Knex,
    /** Told after every recorded change, once it is committed. */
    private readonly signals: PublicationSignals = noPublicationSignals,
  ) {
    this.leases = new PublicationLeases(db);
    this.hostnames = new PublicationHostnames(db);
  }

  /**
   * Inserts a live record in `publishing`. The unique live key makes concurrent publishes of one
   * model race in the database: exactly one insert wins, the others get ConflictError.
   *
   * With a quota, counting the owner's live publications and inserting are one atomic step, so
   * concurrent publishes of different models of one owner cannot overshoot it: PostgreSQL takes a
   * transaction-scoped advisory lock per owner (no row to lock, and it never blocks other owners);
   * SQLite serialises writers anyway (one connection, transactions run one at a time).
   */
  async insertPublishing(
    p: NewPublication,
    now = new Date(),
    options: {
      quota?: OwnerQuota;
      lease?: Lease;
      /** The hostname the publication occupies (held while it is live; 409 when another holds it). */
      hostname?: string;
    } = {},
  ): Promise<Publication> {
    const row = toRow(p, now, options.lease);
    const quota = p.owner ? options.quota : undefined;
    try {
      await this.db.transaction(async tx => {
        if (quota && isPostgres(tx)) {
          await tx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [
            `model-publishing:owner:${p.owner}`,
          ]);
        }
        // Insert first, so a second publish of the same model is 409 (unique key) rather than a quota error.
        await tx(TABLE).insert(row);
        if (options.hostname) await claimHostname(tx, p.id, options.hostname);
        if (quota) {
          const live = await countLive(tx, p.owner!);
          if (live > quota.max) throw quota.exceeded(live - 1);
        }
        await tx(HISTORY).insert({
          publication_id: p.id,
          status: 'publishing',
          reason: null,
          actor: p.createdBy,
          created_at: now,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `${p.namespace}/${p.name} in cluster ${p.cluster} is already published (or being published)`,
        );
      }
      throw error;
    }
    const inserted = fromRow(row);
    this.signals.changed(inserted);
    return inserted;
  }

  async get(id: string): Promise<Publication | undefined> {
    const row = await this.db<Row>(TABLE).where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async getOrThrow(id: string): Promise<Publication> {
    const p = await this.get(id);
    if (!p) throw new NotFoundError(`publication ${id} not found`);
    return p;
  }

  /** The live publication of a model, if any. */
  async findLive(
    cluster: string,
    namespace: string,
    name: string,
  ): Promise<Publication | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ live_key: liveKey(cluster, namespace, name) })
      .first();
    return row ? fromRow(row) : undefined;
  }

  /**
   * The live publication, else the most recent one (failed / unpublished), for display. One query either
   * way (the model's rows, the live one first: at most one has a live_key), so a model that is not
   * published costs no second round trip.
   */
  async findCurrent(
    cluster: string,
    namespace: string,
    name: string,
  ): Promise<Publication | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ cluster, namespace, name })
      .orderByRaw('CASE WHEN live_key IS NULL THEN 1 ELSE 0 END')
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    return row ? fromRow(row) : undefined;
  }

  /**
   * Changes a record, optionally only when its status is one of `fromStatuses` (compare-and-set, so two
   * operations on one publication cannot interleave). Records that leave the live statuses give up the
   * model's unique slot and their hostnames. Returns the updated record, or undefined when the status did
   * not match.
   */
  async update(
    id: string,
    patch: PublicationPatch,
    options: {
      fromStatuses?: PublicationStatus[];
      actor?: string;
      now?: Date;
      /** Reason for the history row when it differs from the record's statusReason. */
      historyReason?: string;
      /** Only while this process holds the record's lease (a taken-over operation changes nothing more). */
      leaseToken?: string;
      /** The lease of the in-flight operation this change starts; leaving the in-flight statuses clears it. */
      lease?: Lease;
    } = {},
  ): Promise<Publication | undefined> {
    const now = options.now ?? new Date();
    const updated = await this.db.transaction(async tx => {
      let query = tx(TABLE).where({ id });
      if (options.fromStatuses)
        query = query.whereIn('status', options.fromStatuses);
      if (options.leaseToken)
        query = query.where('lease_token', options.leaseToken);
      // RETURNING (PostgreSQL, SQLite ≥ 3.35) saves reading the row back.
      const [row] = (await query
        .update(patchColumns(patch, now, options.lease))
        .returning('*')) as Row[];
      if (!row) return undefined;
      if (patch.status && !LIVE_STATUSES.includes(patch.status))
        await new PublicationHostnames(tx).release(id);
      if (patch.status) {
        await tx(HISTORY).insert({
          publication_id: id,
          status: patch.status,
          reason: options.historyReason ?? patch.statusReason ?? null,
          actor: options.actor ?? null,
          created_at: now,
        });
      }
      return fromRow(row);
    });
    if (updated) this.signals.changed(updated);
    return updated;
  }

  /** Status changes of a publication, oldest first. */
  async history(id: string): Promise<
    {
      status: PublicationStatus;
      reason?: string;
      actor?: string;
      createdAt: string;
    }[]
  > {
    const rows = await this.db(HISTORY)
      .where({ publication_id: id })
      .orderBy('id', 'asc');
    return rows.map(r => ({
      status: r.status,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.actor ? { actor: r.actor } : {}),
      createdAt: toIso(r.created_at),
    }));
  }

  /** One page, newest first by default; see publicationListing. */
  async list(query: ListPublicationsQuery): Promise<Page<Publication>> {
    return listPage(this.db, query);
  }

  /** How many records `query` selects over all pages; `readable` limits it to entities the caller may read. */
  async count(
    query: ListPublicationsQuery,
    readable?: (entityRefs: string[]) => Promise<Set<string>>,
  ): Promise<PublicationCounts> {
    return countMatching(this.db, query, readable);
  }

  /** In-flight records whose operation may be taken over at `now` (publicationLeases). */
  async listTakeable(t: TakeableQuery, limit = 100): Promise<Publication[]> {
    return this.leases.listTakeable(t, limit);
  }

  /** Takes over a record's in-flight operation; of two claims at once exactly one gets the record. */
  async claim(
    id: string,
    lease: Lease,
    t: Omit<TakeableQuery, 'lease'>,
  ): Promise<Publication | undefined> {
    return this.leases.claim(id, lease, t);
  }

  /** Extends this process's lease; false when the record is no longer in flight under it (taken over, or done). */
  async renewLease(id: string, lease: Lease): Promise<boolean> {
    return this.leases.renew(id, lease);
  }

  /** When the record's in-flight lease runs out (undefined when it holds none). */
  async leaseOf(
    id: string,
  ): Promise<{ holder?: string; expiresAt?: Date } | undefined> {
    return this.leases.of(id);
  }

  /** Live, settled publications (published / degraded) for drift checks, in id order. */
  async listSettled(
    afterId: string | undefined,
    limit = 100,
  ): Promise<Publication[]> {
    let q = this.db<Row>(TABLE).whereIn('status', ['published', 'degraded']);
    if (afterId) q = q.where('id', '>', afterId);
    const rows = await q.orderBy('id', 'asc').limit(limit);
    return rows.map(fromRow);
  }

  async countLiveByOwner(owner: string): Promise<number> {
    return countLive(this.db, owner);
  }

  /** What every live publication's hostname depends on (the hostname policy's uniqueness check). */
  async listLiveHostnames(): Promise<HostnameHolder[]> {
    return this.hostnames.liveHolders();
  }

  /**
   * Holds `hostname` for a live publication (idempotent): of two publications claiming it at once exactly
   * one wins; the other gets 409 naming the field and the holder.
   */
  async claimHostname(id: string, hostname: string): Promise<void> {
    await this.hostnames.claim(id, hostname);
  }

  /** Gives up the publication's hostnames other than `keep` (an update settled, or was undone). */
  async releaseHostnames(id: string, keep?: string): Promise<void> {
    await this.hostnames.release(id, keep);
  }

  /** The hostnames a publication holds. */
  async hostnamesOf(id: string): Promise<string[]> {
    return this.hostnames.of(id);
  }

  /** Ids of publications that are live; used to tell labelled orphans from owned objects. */
  async liveIds(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.db(TABLE)
      .whereIn('id', ids)
      .whereNotNull('live_key')
      .select('id');
    return new Set(rows.map(r => r.id as string));
  }
}
