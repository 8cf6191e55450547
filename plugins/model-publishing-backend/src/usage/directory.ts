import type {
  Publication,
  RateLimits,
} from '@internal/plugin-model-publishing-common';
import type { Knex } from 'knex';
import type { ApiKeyRecord } from '../keys/types';
import {
  LIVE_STATUSES,
  type PublicationStore,
} from '../database/PublicationStore';
import { objectName } from '../gateway/names';
import { UsagePublicationDirectory, UsagePublicationInfo } from './types';

const defined = (l: RateLimits | undefined): RateLimits =>
  Object.fromEntries(
    Object.entries(l ?? {}).filter(([, v]) => v !== undefined),
  ) as RateLimits;

/**
 * Each key's effective limits, as the gateway enforces them (gateway/backendTrafficPolicy.ts): in global
 * mode a key with limits of its own gets only those; in local mode its limits override the publication's.
 */
export function keyLimits(
  publication: RateLimits | undefined,
  key: RateLimits | undefined,
  mode: 'global' | 'local',
): RateLimits {
  const own = defined(key);
  if (mode === 'global')
    return Object.keys(own).length ? own : defined(publication);
  return { ...defined(publication), ...own };
}

export function toUsagePublication(
  p: Publication,
  keys: Pick<ApiKeyRecord, 'id' | 'name' | 'clientId' | 'rateLimits'>[],
  options: { rateLimitMode: 'global' | 'local'; publicationQuota?: RateLimits },
): UsagePublicationInfo {
  return {
    id: p.id,
    cluster: p.cluster,
    namespace: p.namespace,
    name: p.name,
    modelKind: p.modelKind,
    routeName: objectName(p.name),
    clientIds: keys.map(k => k.clientId),
    ...(p.entityRef ? { entityRef: p.entityRef } : {}),
    live: LIVE_STATUSES.includes(p.status),
    keys: keys.map(k => ({ id: k.id, name: k.name, clientId: k.clientId })),
    limits: {
      ...(options.publicationQuota
        ? { publication: options.publicationQuota }
        : {}),
      keys: Object.fromEntries(
        keys.map(k => [
          k.clientId,
          keyLimits(p.config.rateLimits, k.rateLimits, options.rateLimitMode),
        ]),
      ),
    },
  };
}

type KeyRow = Pick<ApiKeyRecord, 'id' | 'name' | 'clientId' | 'rateLimits'> & {
  publicationId: string;
};

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
      rate_limits: string | null;
    }[] = await db('api_keys')
      .select('id', 'publication_id', 'name', 'client_id', 'rate_limits')
      .whereIn('publication_id', publicationIds.slice(i, i + 400))
      .orderBy(['publication_id', 'created_at', 'id']);
    for (const r of rows) {
      const list = out.get(r.publication_id) ?? [];
      list.push({
        id: r.id,
        publicationId: r.publication_id,
        name: r.name,
        clientId: r.client_id,
        ...(r.rate_limits
          ? { rateLimits: JSON.parse(r.rate_limits) as RateLimits }
          : {}),
      });
      out.set(r.publication_id, list);
    }
  }
  return out;
}

/** Publications (all but failed ones: their traffic history stays reportable after unpublishing) and their keys. */
export function createPublicationDirectory(
  publications: PublicationStore,
  db: Knex,
  options: { rateLimitMode: 'global' | 'local'; publicationQuota?: RateLimits },
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
      const keys = await keysOf(
        db,
        pubs.map(p => p.id),
      );
      return pubs.map(p =>
        toUsagePublication(p, keys.get(p.id) ?? [], options),
      );
    },
    async get(id) {
      const p = await publications.get(id);
      if (!p) return undefined;
      const keys = await keysOf(db, [id]);
      return toUsagePublication(p, keys.get(id) ?? [], options);
    },
  };
}
