import { Knex } from 'knex';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type {
  ModelResourceKind,
  OwnedObject,
  Publication,
  PublicationStatus,
  PublishConfig,
  PublishableModelKind,
} from '@model-publishing/plugin-model-publishing-common';
import {
  Cursor,
  decodeCursor,
  encodeCursor,
  isUniqueViolation,
  toDate,
  toIso,
} from './util';
import type { HostnameHolder } from '../publishing/hostnamePolicy';
import {
  noPublicationSignals,
  type PublicationSignals,
} from '../signals/PublicationSignals';

const TABLE = 'publications';
const HISTORY = 'publication_status_history';
const HOSTNAMES = 'publication_hostnames';

/** Statuses during which the record is "live": it holds the model's unique slot. */
export const LIVE_STATUSES: PublicationStatus[] = [
  'publishing',
  'published',
  'updating',
  'degraded',
  'unpublishing',
];
/** Statuses an operation leaves behind when a process dies mid-way. */
export const IN_FLIGHT_STATUSES: PublicationStatus[] = [
  'publishing',
  'updating',
  'unpublishing',
];

export interface NewPublication {
  id: string;
  cluster: string;
  namespace: string;
  name: string;
  entityRef?: string;
  owner?: string;
  resourceKind?: ModelResourceKind;
  modelKind: PublishableModelKind;
  config: PublishConfig;
  objects: OwnedObject[];
  endpoints: { url: string; description: string }[];
  createdBy: string;
}

/**
 * Who runs a record's in-flight operation, until when. `holder` is the instance (stable across restarts),
 * `token` the process; an operation renews `expiresAt` while it runs (publishing/Leases).
 */
export interface Lease {
  holder: string;
  token: string;
  expiresAt: Date;
}

/** A cap on an owner's live publications, enforced atomically with the insert. */
export interface OwnerQuota {
  max: number;
  /** The error to throw when the owner already has `live` (≥ max) live publications. */
  exceeded(live: number): Error;
}

export interface PublicationPatch {
  status?: PublicationStatus;
  /** `null` clears the reason. */
  statusReason?: string | null;
  config?: PublishConfig;
  objects?: OwnedObject[];
  endpoints?: { url: string; description: string }[];
  modelKind?: PublishableModelKind;
}

export interface ListPublicationsQuery {
  owner?: string;
  namespace?: string;
  kind?: string;
  status?: string;
  /** Only each model's current record: the live one, else the newest (a model has at most one live record, and it is its newest). */
  current?: boolean;
  cursor?: string;
  limit?: number;
  /** Only these entity refs (after a permission filter); undefined = all. */
  entityRefs?: string[];
  /** Leave out records whose status is unpublished (history). */
  excludeUnpublished?: boolean;
  /** Text the name, namespace, cluster, owner or model kind contains (any case). */
  q?: string;
  /** Default createdAt (newest first); other orders default to ascending. */
  sort?: PublicationSort;
  order?: 'asc' | 'desc';
}

export type PublicationSort =
  | 'createdAt'
  | 'name'
  | 'namespace'
  | 'owner'
  | 'status';

/** The column (expression) each text sort reads; owner may be null, sorted as ''. */
const SORT_EXPRESSIONS: Record<
  Exclude<PublicationSort, 'createdAt'>,
  string
> = {
  name: 'name',
  namespace: 'namespace',
  owner: "coalesce(owner, '')",
  status: 'status',
};

/** A cursor of a text-sorted page: the order it continues, the last row's sort value and id. */
interface SortCursor {
  s: Exclude<PublicationSort, 'createdAt'>;
  o: 'asc' | 'desc';
  v: string;
  id: string;
}

function encodeSortCursor(c: SortCursor): string {
  return `s.${Buffer.from(JSON.stringify(c), 'utf8').toString('base64url')}`;
}

function decodeSortCursor(
  value: string,
  sort: string,
  order: string,
): SortCursor {
  let c: Partial<SortCursor> | undefined;
  try {
    c = JSON.parse(Buffer.from(value.slice(2), 'base64url').toString('utf8'));
  } catch {
    c = undefined;
  }
  if (
    !c ||
    typeof c.v !== 'string' ||
    typeof c.id !== 'string' ||
    c.s !== sort ||
    c.o !== order
  ) {
    throw new InputError(
      'cursor: not a cursor returned by this API for this sort and order',
    );
  }
  return c as SortCursor;
}

/** `text` as a LIKE pattern that matches it anywhere, its own wildcards taken literally. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, m => `\\${m}`)}%`;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

type Row = {
  id: string;
  cluster: string;
  namespace: string;
  name: string;
  live_key: string | null;
  entity_ref: string | null;
  owner: string | null;
  resource_kind: string | null;
  model_kind: string;
  status: string;
  status_reason: string | null;
  config: string;
  objects: string;
  endpoints: string;
  created_by: string;
  created_at: unknown;
  updated_at: unknown;
  lease_holder?: string | null;
  lease_token?: string | null;
  lease_expires_at?: unknown;
};

function leaseColumns(lease: Lease | undefined) {
  return {
    lease_holder: lease?.holder ?? null,
    lease_token: lease?.token ?? null,
    lease_expires_at: lease?.expiresAt ?? null,
  };
}

export function liveKey(
  cluster: string,
  namespace: string,
  name: string,
): string {
  return `${cluster}/${namespace}/${name}`;
}

function fromRow(row: Row): Publication {
  return {
    id: row.id,
    cluster: row.cluster,
    namespace: row.namespace,
    name: row.name,
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    ...(row.owner ? { owner: row.owner } : {}),
    ...(row.resource_kind
      ? { resourceKind: row.resource_kind as ModelResourceKind }
      : {}),
    modelKind: row.model_kind as PublishableModelKind,
    status: row.status as PublicationStatus,
    ...(row.status_reason ? { statusReason: row.status_reason } : {}),
    config: JSON.parse(row.config),
    endpoints: JSON.parse(row.endpoints),
    objects: JSON.parse(row.objects),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

function isPostgres(db: Knex): boolean {
  return /^(pg|postgres)/.test(String(db.client.config.client));
}

async function countLive(db: Knex, owner: string): Promise<number> {
  const [{ count }] = await db(TABLE)
    .where({ owner })
    .whereNotNull('live_key')
    .count({ count: '*' });
  return Number(count);
}

/** Who may take over what (PublicationStore.listTakeable, claim). */
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

async function claimHostname(
  tx: Knex.Transaction,
  id: string,
  hostname: string,
): Promise<void> {
  const held = await tx(HOSTNAMES).where({ hostname }).first();
  if (held?.publication_id === id) return;
  try {
    if (!held) {
      // A savepoint: on PostgreSQL a failed statement would abort the whole transaction.
      await tx.transaction(sp =>
        sp(HOSTNAMES).insert({ hostname, publication_id: id }),
      );
      return;
    }
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const holder = await tx(HOSTNAMES)
    .join(TABLE, `${TABLE}.id`, `${HOSTNAMES}.publication_id`)
    .where(`${HOSTNAMES}.hostname`, hostname)
    .first(`${TABLE}.namespace`, `${TABLE}.name`, `${TABLE}.cluster`);
  throw new ConflictError(
    `hostname: '${hostname}' is already used by ${
      holder
        ? `the publication of ${holder.namespace}/${holder.name} in cluster '${holder.cluster}'`
        : 'another publication'
    }`,
  );
}

/** Publications and their status history. All writes that change status also append history. */
export class PublicationStore {
  constructor(
    private readonly db: Knex,
    /** Told after every recorded change, once it is committed. */
    private readonly signals: PublicationSignals = noPublicationSignals,
  ) {}

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
    const row = {
      id: p.id,
      cluster: p.cluster,
      namespace: p.namespace,
      name: p.name,
      live_key: liveKey(p.cluster, p.namespace, p.name),
      entity_ref: p.entityRef ?? null,
      owner: p.owner ?? null,
      resource_kind: p.resourceKind ?? null,
      model_kind: p.modelKind,
      status: 'publishing',
      status_reason: null,
      config: JSON.stringify(p.config),
      objects: JSON.stringify(p.objects),
      endpoints: JSON.stringify(p.endpoints),
      created_by: p.createdBy,
      created_at: now,
      updated_at: now,
      ...leaseColumns(options.lease),
    };
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
    const inserted = fromRow(row as Row);
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
   * model's unique slot. Returns the updated record, or undefined when the status did not match.
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
      const set: Record<string, unknown> = { updated_at: now };
      if (patch.status) set.status = patch.status;
      if (patch.statusReason !== undefined)
        set.status_reason = patch.statusReason;
      if (patch.config) set.config = JSON.stringify(patch.config);
      if (patch.objects) set.objects = JSON.stringify(patch.objects);
      if (patch.endpoints) set.endpoints = JSON.stringify(patch.endpoints);
      if (patch.modelKind) set.model_kind = patch.modelKind;
      const leavesLive = patch.status && !LIVE_STATUSES.includes(patch.status);
      if (leavesLive) set.live_key = null;
      if (options.lease) Object.assign(set, leaseColumns(options.lease));
      else if (patch.status && !IN_FLIGHT_STATUSES.includes(patch.status))
        Object.assign(set, leaseColumns(undefined));
      let query = tx(TABLE).where({ id });
      if (options.fromStatuses)
        query = query.whereIn('status', options.fromStatuses);
      if (options.leaseToken)
        query = query.where('lease_token', options.leaseToken);
      // RETURNING (PostgreSQL, SQLite ≥ 3.35) saves reading the row back.
      const [row] = (await query.update(set).returning('*')) as Row[];
      if (!row) return undefined;
      if (leavesLive)
        await tx(HOSTNAMES).where({ publication_id: id }).delete();
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

  /** Newest first, keyset-paginated on (created_at, id), so every page costs the same at any N. */
  async list(query: ListPublicationsQuery): Promise<Page<Publication>> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
    const sort = query.sort ?? 'createdAt';
    const order = query.order ?? (sort === 'createdAt' ? 'desc' : 'asc');
    let q = this.db<Row>(TABLE);
    if (query.excludeUnpublished) q = q.whereNot('status', 'unpublished');
    const text = query.q?.trim();
    if (text) {
      const pattern = containsPattern(text);
      q = q.where(b => {
        for (const column of [
          'name',
          'namespace',
          'cluster',
          'owner',
          'model_kind',
        ]) {
          b.orWhereRaw(`lower(coalesce(??, '')) like ? escape '\\'`, [
            column,
            pattern,
          ]);
        }
      });
    }
    if (query.owner) q = q.where('owner', query.owner);
    if (query.namespace) q = q.where('namespace', query.namespace);
    if (query.kind) q = q.where('model_kind', query.kind);
    if (query.status) q = q.where('status', query.status);
    if (query.entityRefs)
      q = q.whereIn(
        'entity_ref',
        query.entityRefs.length ? query.entityRefs : [''],
      );
    if (query.current) {
      // No newer record of the same model: the same (created_at, id) order the pages use.
      q = q.whereNotExists(sub =>
        sub
          .select(this.db.raw('1'))
          .from({ newer: TABLE })
          .whereRaw(
            `newer.cluster = ${TABLE}.cluster AND newer.namespace = ${TABLE}.namespace AND newer.name = ${TABLE}.name` +
              ` AND (newer.created_at > ${TABLE}.created_at OR (newer.created_at = ${TABLE}.created_at AND newer.id > ${TABLE}.id))`,
          ),
      );
    }
    const after = order === 'desc' ? '<' : '>';
    if (sort !== 'createdAt') {
      // Keyset on (sort value, id), like the default order: every page costs the same.
      const expression = SORT_EXPRESSIONS[sort];
      if (query.cursor) {
        const c = decodeSortCursor(query.cursor, sort, order);
        q = q.whereRaw(
          `(${expression} ${after} ? or (${expression} = ? and id ${after} ?))`,
          [c.v, c.v, c.id],
        );
      }
      const rows = await q
        .orderByRaw(`${expression} ${order}, id ${order}`)
        .limit(limit + 1);
      const last = rows.length > limit ? rows[limit - 1] : undefined;
      return {
        items: rows.slice(0, limit).map(fromRow),
        ...(last
          ? {
              nextCursor: encodeSortCursor({
                s: sort,
                o: order,
                v: sort === 'owner' ? last.owner ?? '' : String(last[sort]),
                id: last.id,
              }),
            }
          : {}),
      };
    }
    if (query.cursor?.startsWith('s.'))
      decodeSortCursor(query.cursor, sort, order);
    const cursor: Cursor | undefined = decodeCursor(query.cursor);
    if (cursor) {
      q = q.where(b =>
        b
          .where('created_at', after, cursor.createdAt)
          .orWhere(b2 =>
            b2
              .where('created_at', '=', cursor.createdAt)
              .andWhere('id', after, cursor.id),
          ),
      );
    }
    const rows = await q
      .orderBy([
        { column: 'created_at', order },
        { column: 'id', order },
      ])
      .limit(limit + 1);
    const items = rows.slice(0, limit).map(fromRow);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items,
      ...(last
        ? {
            nextCursor: encodeCursor({
              createdAt: toDate(last.created_at),
              id: last.id,
            }),
          }
        : {}),
    };
  }

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
  async renewLease(id: string, lease: Lease): Promise<boolean> {
    const n = await this.db(TABLE)
      .where({ id, lease_token: lease.token })
      .whereIn('status', IN_FLIGHT_STATUSES)
      .update({ lease_expires_at: lease.expiresAt });
    return Number(n) > 0;
  }

  /** When the record's in-flight lease runs out (undefined when it holds none). */
  async leaseOf(
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
    const rows = await this.db<Row>(TABLE).whereNotNull('live_key');
    return rows.map(fromRow).map(p => ({
      cluster: p.cluster,
      namespace: p.namespace,
      name: p.name,
      modelKind: p.modelKind,
      config: { ...(p.config.hostname ? { hostname: p.config.hostname } : {}) },
    }));
  }

  /**
   * Holds `hostname` for a live publication (idempotent): one insert keyed by the hostname, so of two
   * publications claiming it at once exactly one wins; the other gets 409 naming the field and the holder.
   */
  async claimHostname(id: string, hostname: string): Promise<void> {
    await this.db.transaction(tx => claimHostname(tx, id, hostname));
  }

  /** Gives up the publication's hostnames other than `keep` (an update settled, or was undone). */
  async releaseHostnames(id: string, keep?: string): Promise<void> {
    let q = this.db(HOSTNAMES).where({ publication_id: id });
    if (keep) q = q.whereNot('hostname', keep);
    await q.delete();
  }

  /** The hostnames a publication holds. */
  async hostnamesOf(id: string): Promise<string[]> {
    const rows = await this.db(HOSTNAMES)
      .where({ publication_id: id })
      .orderBy('hostname');
    return rows.map(r => r.hostname as string);
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
