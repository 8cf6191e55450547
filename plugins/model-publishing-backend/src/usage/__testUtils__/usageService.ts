import type { Knex } from 'knex';
import type { UsageRecord } from '@model-publishing/plugin-model-publishing-node';
import { UsageService } from '../UsageService';
import { UsagePublicationInfo } from '../types';
import { createUsageTestDb, usageServiceOn } from './db';
import type { ScratchDatabaseKind } from '../../__testUtils__/scratchDatabase';

/** The instant `iso` (an hour, in the tests' figures). */
export const H = (iso: string) => new Date(iso);

/** A usage record of `pub-1` with every counter at zero unless given. */
export function rec(
  p: Partial<UsageRecord> & { hour: Date; clientId: string },
): UsageRecord {
  return {
    publicationId: 'pub-1',
    requests: 0,
    status401: 0,
    status403: 0,
    status429: 0,
    status4xxOther: 0,
    status5xx: 0,
    inputTokens: 0,
    outputTokens: 0,
    ...p,
  };
}

/** A live publication with two keys, `key-a` limited to 100 requests an hour and 1000 tokens a day. */
export const pub: UsagePublicationInfo = {
  id: 'pub-1',
  cluster: 'default',
  namespace: 'ml',
  name: 'llama',
  modelKind: 'openai',
  routeName: 'llama-mp',
  clientIds: ['key-a', 'key-b'],
  entityRef: 'component:default/llama',
  live: true,
  keys: [
    { id: 'a', name: 'alpha', clientId: 'key-a' },
    { id: 'b', name: 'beta', clientId: 'key-b' },
  ],
  limits: { keys: { 'key-a': { requestsPerHour: 100, tokensPerDay: 1000 } } },
};

/** A usage service over a fresh database of `kind`; `close()` drops the database. */
export async function openUsageService(kind: ScratchDatabaseKind): Promise<{
  db: Knex;
  service: UsageService;
  close: () => Promise<void>;
}> {
  const { db, close } = await createUsageTestDb(kind);
  const { service } = usageServiceOn(db, { maxRecordsPerBatch: 1000 });
  return { db, service, close };
}
