import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import {
  createScratchDatabase,
  scratchDatabaseKinds,
} from '../__testUtils__/scratchDatabase';
import { ApiKeyStore } from '../keys/ApiKeyStore';
import { PlanStore } from './PlanStore';

const MIGRATIONS = path.resolve(__dirname, '../../migrations');
const PLANS_MIGRATION = '20261205100000_plans_and_access.js';
/** The schema before plans: every migration named before it (dated migrations run in name order). */
const BEFORE_PLANS = fs
  .readdirSync(MIGRATIONS)
  .filter(f => f.endsWith('.js') && f < PLANS_MIGRATION).length;

/** Effective limits of a key the way the gateway builder reads them: its own, else the publication's. */
const effective = (publicationLimits: object, keyLimits: string | null) =>
  keyLimits ? JSON.parse(keyLimits) : publicationLimits;

describe.each(scratchDatabaseKinds('plans migration'))(
  'migration 20261205100000_plans_and_access (%s)',
  kind => {
    let db: Knex;
    let close: () => Promise<void>;

    beforeEach(async () => {
      ({ db, close } = await createScratchDatabase(kind, {
        prefix: 'mp_plans_migration',
        async migrate(knex) {
          for (let i = 0; i < BEFORE_PLANS; i++)
            await knex.migrate.up({
              directory: MIGRATIONS,
              loadExtensions: ['.js'],
            });
        },
      }));
    });
    afterEach(async () => close());

    it('gives every publication a default plan from its limits; every key keeps its limits and lands on it', async () => {
      const [, pending] = await db.migrate.list({
        directory: MIGRATIONS,
        loadExtensions: ['.js'],
      });
      // The plans migration is the next one (later migrations follow it).
      expect(pending[0]?.file).toBe(PLANS_MIGRATION);

      const now = new Date('2026-11-30T00:00:00Z');
      const publication = (id: string, config: object) => ({
        id,
        cluster: 'default',
        namespace: 'ml',
        name: id,
        live_key: `default/ml/${id}`,
        model_kind: 'v2',
        status: 'published',
        config: JSON.stringify(config),
        objects: '[]',
        endpoints: '[]',
        created_by: 'user:default/frank',
        created_at: now,
        updated_at: now,
      });
      const limitsA = {
        rateLimits: { requestsPerMinute: 60, requestsPerDay: 5000 },
      };
      const limitsB = { rateLimits: { tokensPerMinute: 10000 } };
      await db('publications').insert([
        publication('a', limitsA),
        publication('b', limitsB),
        publication('c', { rateLimits: {} }),
      ]);
      const key = (id: string, pub: string, rateLimits: object | null) => ({
        id,
        publication_id: pub,
        name: id,
        prefix: 'mpk_abcd',
        hash: id.padEnd(64, '0'),
        client_id: `key-${id}`,
        created_by: 'user:default/frank',
        created_at: now,
        rate_limits: rateLimits ? JSON.stringify(rateLimits) : null,
      });
      await db('api_keys').insert([
        key('k1', 'a', null),
        key('k2', 'a', { requestsPerMinute: 5 }),
        key('k3', 'b', null),
        key('k4', 'c', null),
      ]);
      const before = await db('api_keys')
        .select('id', 'rate_limits', 'publication_id')
        .orderBy('id');
      const configs = Object.fromEntries(
        (await db('publications').select('id', 'config')).map(
          (p: { id: string; config: string }) => [
            p.id,
            JSON.parse(p.config).rateLimits,
          ],
        ),
      );
      const effectiveBefore = before.map(
        (k: {
          id: string;
          rate_limits: string | null;
          publication_id: string;
        }) => [k.id, effective(configs[k.publication_id], k.rate_limits)],
      );

      await db.migrate.latest({
        directory: MIGRATIONS,
        loadExtensions: ['.js'],
      });

      const plans = new PlanStore(db);
      for (const [id, config] of [
        ['a', limitsA],
        ['b', limitsB],
        ['c', { rateLimits: {} }],
      ] as const) {
        const stored = await plans.listStored(id);
        expect(stored).toEqual([
          expect.objectContaining({
            id: `default-${id}`,
            name: 'default',
            isDefault: true,
            rateLimits: config.rateLimits,
            approval: 'manual',
          }),
        ]);
      }
      const after = await db('api_keys')
        .select(
          'id',
          'rate_limits',
          'publication_id',
          'plan_id',
          'consumer_ref',
        )
        .orderBy('id');
      expect(
        after.map((k: { id: string; plan_id: string }) => [k.id, k.plan_id]),
      ).toEqual([
        ['k1', 'default-a'],
        ['k2', 'default-a'],
        ['k3', 'default-b'],
        ['k4', 'default-c'],
      ]);
      // Same limits as before: a key's own (k2) or its plan's, which is what the publication had.
      const planLimits = Object.fromEntries(
        (await db('publication_plans').select('id', 'rate_limits')).map(
          (p: { id: string; rate_limits: string }) => [
            p.id,
            JSON.parse(p.rate_limits),
          ],
        ),
      );
      expect(
        after.map(
          (k: { id: string; rate_limits: string | null; plan_id: string }) => [
            k.id,
            effective(planLimits[k.plan_id], k.rate_limits),
          ],
        ),
      ).toEqual(effectiveBefore);
      // The key store still reads every key as before (no consumer, same limits).
      const store = new ApiKeyStore(db);
      expect(
        (await store.listByPublication('a')).map(k => [k.id, k.rateLimits]),
      ).toEqual([
        ['k1', undefined],
        ['k2', { requestsPerMinute: 5 }],
      ]);
      expect(
        after.every(
          (k: { consumer_ref: string | null }) => k.consumer_ref === null,
        ),
      ).toBe(true);
      // Syncing with the unchanged config keeps the migrated plan and its id.
      const synced = await plans.sync({ id: 'a', config: limitsA });
      expect(synced.map(p => [p.id, p.rateLimits])).toEqual([
        ['default-a', limitsA.rateLimits],
      ]);
    });

    it('rolls back cleanly', async () => {
      await db.migrate.up({
        directory: MIGRATIONS,
        loadExtensions: ['.js'],
      });
      await db.migrate.down({ directory: MIGRATIONS, loadExtensions: ['.js'] });
      expect(await db.schema.hasTable('publication_plans')).toBe(false);
      expect(await db.schema.hasColumn('api_keys', 'consumer_ref')).toBe(false);
    });
  },
);
