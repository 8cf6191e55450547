import type { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrate } from '../migrate';
import { type NewPublication, PublicationStore } from '../PublicationStore';

/** The i-th test publication: odd ones in fraud (v1), even ones in genai (openai); every third owned by genai. */
export function newPublication(
  i: number,
  patch: Partial<NewPublication> = {},
): NewPublication {
  return {
    id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    cluster: 'local',
    namespace: i % 2 ? 'fraud' : 'genai',
    name: `model-${i}`,
    entityRef: `component:default/model-${i}`,
    owner: i % 3 ? 'group:default/fraud' : 'group:default/genai',
    modelKind: i % 2 ? 'v1' : 'openai',
    config: { rateLimits: { requestsPerMinute: 60 } },
    objects: [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: 'fraud',
        name: `model-${i}-mp-keys`,
      },
    ],
    endpoints: [
      {
        url: `https://models.example.com/models/fraud/model-${i}`,
        description: 'base',
      },
    ],
    createdBy: 'user:default/alice',
    ...patch,
  };
}

const databases = createTestDatabases();

/**
 * Runs `tests` once per test database (SQLite, and PostgreSQL when one answers), each test on a freshly
 * migrated database; `ctx` holds that test's database and store.
 */
export function describeOnEachDatabase(
  title: string,
  tests: (ctx: { db: Knex; store: PublicationStore }) => void,
): void {
  describe.each(databases.eachSupportedId())(`${title} on %s`, databaseId => {
    const ctx = {} as { db: Knex; store: PublicationStore };
    beforeEach(async () => {
      ctx.db = await databases.init(databaseId);
      await migrate(ctx.db);
      ctx.store = new PublicationStore(ctx.db);
    });
    tests(ctx);
  });
}
