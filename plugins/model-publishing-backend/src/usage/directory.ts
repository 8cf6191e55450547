import type {
  Publication,
  RateLimits,
  UsagePrices,
} from '@model-publishing/plugin-model-publishing-common';
import type { Knex } from 'knex';
import type { ApiKeyRecord } from '../keys/types';
import {
  LIVE_STATUSES,
  type PublicationStore,
} from '../database/PublicationStore';
import { objectName } from '../gateway/names';
import { setFields } from '../database/fields';
import { toDate } from '../database/util';
import type { UsageKeyInfo } from './types';
import { UsagePublicationDirectory, UsagePublicationInfo } from './types';

const defined = (l: RateLimits | undefined): RateLimits =>
  Object.fromEntries(
    Object.entries(l ?? {}).filter(([, v]) => v !== undefined),
  ) as RateLimits;

/**
 * Each key's effective limits, as the gateway enforces them (gateway/backendTrafficPolicy.ts
 * buildRateLimitRules): in both modes a key's own limits override the publication's window by window,
 * and the publication's other windows still apply to it.
 */
export function keyLimits(
  publication: RateLimits | undefined,
  key: RateLimits | undefined,
): RateLimits {
  return { ...defined(publication), ...defined(key) };
}

/** Statuses only a publication that was published can have. */
const WAS_PUBLISHED = new Set<Publication['status']>([
  'published',
  'degraded',
  'updating',
]);

export function toUsagePublication(
  p: Publication,
  keys: (Pick<ApiKeyRecord, 'id' | 'name' | 'clientId' | 'rateLimits'> &
    Pick<UsageKeyInfo, 'createdAt' | 'until' | 'consumer'>)[],
  options: DirectoryOptions,
  publishedAt?: Date,
): UsagePublicationInfo {
  // Records older than the status history fall back to their creation (the publish request).
  const published =
    publishedAt ??
    (WAS_PUBLISHED.has(p.status) ? new Date(p.createdAt) : undefined);
  const prices = p.config.prices ?? options.defaultPrices;
  return {
    id: p.id,
    cluster: p.cluster,
    namespace: p.namespace,
    name: p.name,
    modelKind: p.modelKind,
    routeName: objectName(p.name),
    clientIds: keys.map(k => k.clientId),
    ...setFields(p, ['entityRef', 'owner']),
    ...(prices ? { prices } : {}),
    live: LIVE_STATUSES.includes(p.status),
    ...(published ? { publishedAt: published } : {}),
    keys: keys.map(k => ({
      id: k.id,
      name: k.name,
      clientId: k.clientId,
      ...setFields(k, ['consumer', 'createdAt', 'until']),
    })),
    limits: {
      ...(options.publicationQuota
        ? { publication: options.publicationQuota }
        : {}),
      keys: Object.fromEntries(
        keys.map(k => [
          k.clientId,
          keyLimits(p.config.rateLimits, k.rateLimits),
        ]),
      ),
    },
  };
}

export interface DirectoryOptions {
  rateLimitMode: 'global' | 'local';
  publicationQuota?: RateLimits;
  /** Prices of publications that set none (modelPublishing.usage.prices). */
  defaultPrices?: UsagePrices;
}

type KeyRow = Pick<ApiKeyRecord, 'id' | 'name' | 'clientId' | 'rateLimits'> &
  Pick<UsageKeyInfo, 'createdAt' | 'until' | 'consumer'> & {
    publicationId: string;
  };

type Timestamp = Date | string | number | null;

/** The earliest of the times at which a key stops working (revocation, expiry, end of rotation grace). */
function keyUntil(...ends: Timestamp[]): Date | undefined {
  const ms = ends
    .filter((e): e is Date | string | number => e !== null && e !== undefined)
    .map(e => toDate(e).getTime());
  return ms.length ? new Date(Math.min(...ms)) : undefined;
}

/**
 * The keys of many publications in one query. Reads the api_keys table (migration 20261126110000) directly:
 * ApiKeyStore lists one publication at a time, and the collector, the ingest cache and the summary need all.
 */
async function keysOf(
  db: Knex,
  publicationIds: string[],
): Promise<Map<string, KeyRow[]>> {
  const out = new Map<string, KeyRow[]>();
  for (let i = 0; i < publicationIds.length; i += 400) {
    const rows: {
      id: string;
      publication_id: string;
      name: string;
      client_id: string;
      created_by: string;
      consumer_ref: string | null;
      rate_limits: string | null;
      created_at: Date | string | number;
      revoked_at: Timestamp;
      expires_at: Timestamp;
      grace_until: Timestamp;
    }[] = await db('api_keys')
      .select(
        'id',
        'publication_id',
        'name',
        'client_id',
        'created_by',
        'consumer_ref',
        'rate_limits',
        'created_at',
        'revoked_at',
        'expires_at',
        'grace_until',
      )
      .whereIn('publication_id', publicationIds.slice(i, i + 400))
      .orderBy(['publication_id', 'created_at', 'id']);
    for (const r of rows) {
      const list = out.get(r.publication_id) ?? [];
      const until = keyUntil(r.revoked_at, r.expires_at, r.grace_until);
      list.push({
        id: r.id,
        publicationId: r.publication_id,
        name: r.name,
        clientId: r.client_id,
        // who pays (docs/design.md §9): the consumer entity that holds the key, else the user who created it
        consumer: r.consumer_ref ?? r.created_by,
        createdAt: toDate(r.created_at),
        ...(until ? { until } : {}),
        ...(r.rate_limits
          ? { rateLimits: JSON.parse(r.rate_limits) as RateLimits }
          : {}),
      });
      out.set(r.publication_id, list);
    }
  }
  return out;
}

/**
 * When each publication first became `published`, from the status history (migration 20261126100000), in
 * one grouped query per 400 publications.
 */
async function publishedAtOf(
  db: Knex,
  publicationIds: string[],
): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  for (let i = 0; i < publicationIds.length; i += 400) {
    const rows: { publication_id: string; at: Timestamp }[] = await db(
      'publication_status_history',
    )
      .select('publication_id')
      .min({ at: 'created_at' })
      .whereIn('publication_id', publicationIds.slice(i, i + 400))
      .andWhere('status', 'published')
      .groupBy('publication_id');
    for (const r of rows)
      if (r.at !== null) out.set(r.publication_id, toDate(r.at));
  }
  return out;
}

/** Publications (all but failed ones: their traffic history stays reportable after unpublishing) and their keys. */
export function createPublicationDirectory(
  publications: PublicationStore,
  db: Knex,
  options: DirectoryOptions,
): UsagePublicationDirectory {
  return {
    async list() {
      const pubs: Publication[] = [];
      let cursor: string | undefined;
      do {
        const page = await publications.list({ cursor, limit: 200 });
        for (const p of page.items) if (p.status !== 'failed') pubs.push(p);
        cursor = page.nextCursor;
      } while (cursor);
      const ids = pubs.map(p => p.id);
      const [keys, published] = await Promise.all([
        keysOf(db, ids),
        publishedAtOf(db, ids),
      ]);
      return pubs.map(p =>
        toUsagePublication(
          p,
          keys.get(p.id) ?? [],
          options,
          published.get(p.id),
        ),
      );
    },
    async version() {
      const [pubs, keys] = await Promise.all([
        db('publications').max({ at: 'updated_at' }).count({ n: '*' }).first(),
        db('api_keys').max({ at: 'created_at' }).count({ n: '*' }).first(),
      ]);
      const stamp = (r?: { at?: Timestamp; n?: string | number }) =>
        `${r?.at ? toDate(r.at).getTime() : 0}/${r?.n ?? 0}`;
      return `${stamp(pubs)};${stamp(keys)}`;
    },
    async get(id) {
      const p = await publications.get(id);
      if (!p) return undefined;
      const [keys, published] = await Promise.all([
        keysOf(db, [id]),
        publishedAtOf(db, [id]),
      ]);
      return toUsagePublication(
        p,
        keys.get(id) ?? [],
        options,
        published.get(id),
      );
    },
  };
}
