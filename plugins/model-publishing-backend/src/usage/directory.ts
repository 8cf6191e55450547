import type {
  Publication,
  RateLimits,
} from '@internal/plugin-model-publishing-common';
import { ApiKeyStore } from '../keys/ApiKeyStore';
import type { ApiKeyRecord } from '../keys/types';
import type { PublicationStore } from '../database/PublicationStore';
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

/** Publications (all but failed ones: their traffic history stays reportable after unpublishing) and their keys. */
export function createPublicationDirectory(
  publications: PublicationStore,
  keys: ApiKeyStore,
  options: { rateLimitMode: 'global' | 'local'; publicationQuota?: RateLimits },
): UsagePublicationDirectory {
  const withKeys = async (p: Publication) =>
    toUsagePublication(p, await keys.listByPublication(p.id), options);
  return {
    async list() {
      const out: UsagePublicationInfo[] = [];
      let cursor: string | undefined;
      do {
        const page = await publications.list({ cursor, limit: 200 });
        for (const p of page.items)
          if (p.status !== 'failed') out.push(await withKeys(p));
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    },
    async get(id) {
      const p = await publications.get(id);
      return p ? withKeys(p) : undefined;
    },
  };
}
