import type { Knex } from 'knex';
import { InputError } from '@backstage/errors';
import type {
  Publication,
  PublicationStatus,
} from '@model-publishing/plugin-model-publishing-common';
import { fromRow, isPostgres, type Row, TABLE } from './publicationRows';
import { type Cursor, decodeCursor, encodeCursor, toDate } from './util';

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
  /** Text the name, namespace, cluster, owner, model kind or an endpoint URL (so a hostname) contains (any case). */
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

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** How many records match a query: all of them, and per status. */
export interface PublicationCounts {
  total: number;
  byStatus: Partial<Record<PublicationStatus, number>>;
}

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
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, m => `\\${m}`)}%`;
}

const SEARCHED_COLUMNS = [
  'name',
  'namespace',
  'cluster',
  'owner',
  'model_kind',
];

/** Some endpoint URL of the record contains the pattern (endpoints is a JSON array of { url, description }). */
function endpointUrlMatches(db: Knex): string {
  return isPostgres(db)
    ? `exists (select 1 from jsonb_array_elements(${TABLE}.endpoints::jsonb) as e(v) where lower(e.v->>'url') like ? escape '\\')`
    : `exists (select 1 from json_each(${TABLE}.endpoints) as e where lower(json_extract(e.value, '$.url')) like ? escape '\\')`;
}

/** The records a query selects, before paging: every filter, the search and `current`. */
export function matching(
  db: Knex,
  query: Omit<ListPublicationsQuery, 'cursor' | 'limit' | 'sort' | 'order'>,
): Knex.QueryBuilder<Row> {
  let q = db<Row>(TABLE);
  if (query.excludeUnpublished) q = q.whereNot('status', 'unpublished');
  const text = query.q?.trim();
  if (text) {
    const pattern = containsPattern(text);
    q = q.where(b => {
      for (const column of SEARCHED_COLUMNS) {
        b.orWhereRaw(`lower(coalesce(??, '')) like ? escape '\\'`, [
          column,
          pattern,
        ]);
      }
      b.orWhereRaw(endpointUrlMatches(db), [pattern]);
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
        .select(db.raw('1'))
        .from({ newer: TABLE })
        .whereRaw(
          `newer.cluster = ${TABLE}.cluster AND newer.namespace = ${TABLE}.namespace AND newer.name = ${TABLE}.name` +
            ` AND (newer.created_at > ${TABLE}.created_at OR (newer.created_at = ${TABLE}.created_at AND newer.id > ${TABLE}.id))`,
        ),
    );
  }
  return q;
}

/** The first `limit` rows (of up to limit + 1 read), with a cursor after the last when there are more. */
function pageOf(
  rows: Row[],
  limit: number,
  cursorAfter: (last: Row) => string,
): Page<Publication> {
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return {
    items: rows.slice(0, limit).map(fromRow),
    ...(last ? { nextCursor: cursorAfter(last) } : {}),
  };
}

/**
 * One page of the records a query selects, keyset-paginated on (sort value, id) — by default
 * (created_at, id), newest first — so every page costs the same at any N.
 */
export async function listPage(
  db: Knex,
  query: ListPublicationsQuery,
): Promise<Page<Publication>> {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const sort = query.sort ?? 'createdAt';
  const order = query.order ?? (sort === 'createdAt' ? 'desc' : 'asc');
  let q = matching(db, query);
  const after = order === 'desc' ? '<' : '>';
  if (sort !== 'createdAt') {
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
    return pageOf(rows, limit, last =>
      encodeSortCursor({
        s: sort,
        o: order,
        v: sort === 'owner' ? last.owner ?? '' : String(last[sort]),
        id: last.id,
      }),
    );
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
  return pageOf(rows, limit, last =>
    encodeCursor({ createdAt: toDate(last.created_at), id: last.id }),
  );
}

/**
 * How many records a query selects across all its pages (cursor and limit ignored). With `readable`, only
 * records whose entity the caller may read count (records without an entity never do): one grouped query,
 * then one permission decision per distinct entity.
 */
export async function countMatching(
  db: Knex,
  query: ListPublicationsQuery,
  readable?: (entityRefs: string[]) => Promise<Set<string>>,
): Promise<PublicationCounts> {
  const rows: { entity_ref: string | null; status: string; n: unknown }[] =
    await matching(db, query)
      .select('entity_ref', 'status')
      .count({ n: '*' })
      .groupBy('entity_ref', 'status');
  const allowed = readable
    ? await readable([
        ...new Set(rows.flatMap(r => (r.entity_ref ? [r.entity_ref] : []))),
      ])
    : undefined;
  const counts: PublicationCounts = { total: 0, byStatus: {} };
  for (const r of rows) {
    if (allowed && !(r.entity_ref && allowed.has(r.entity_ref))) continue;
    const n = Number(r.n);
    const status = r.status as PublicationStatus;
    counts.total += n;
    counts.byStatus[status] = (counts.byStatus[status] ?? 0) + n;
  }
  return counts;
}
