import type { Knex } from 'knex';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import { createKeyTestDb, keyTestDatabases } from '../keys/__testUtils__/db';
import {
  accessFixture,
  FRANK,
  MODEL_REF,
  PAUL,
  PAUL_APP,
  type AccessFixture,
} from './__testUtils__/fixture';

const MODEL = {
  entityRef: MODEL_REF,
  owner: 'group:default/fraud-detection',
  title: 'fraud-sklearn',
};
const PURPOSE = 'Scores card payments in the checkout service';

describe.each(keyTestDatabases())(
  "consumer keys' gateway limits (%s)",
  kind => {
    let db: Knex;
    let close: () => Promise<void>;
    let f: AccessFixture;
    let publication: Publication;

    beforeEach(async () => {
      ({ db, close } = await createKeyTestDb(kind));
      f = await accessFixture(db);
      publication = (await f.publications.get('pub-1'))!;
    });
    afterEach(async () => close());

    const requestProduction = () =>
      f.access.requests.request(
        publication,
        MODEL,
        { plan: 'production', purpose: PURPOSE, consumer: PAUL_APP },
        { actor: PAUL },
      );

    it('suspend and resume keep the key in the Secret and switch its rule between 0 and the plan limits', async () => {
      const { request } = await requestProduction();
      await f.access.requests.decide(
        request,
        MODEL,
        { decision: 'approve' },
        { actor: FRANK },
      );
      const { issued } = await f.access.requests.issue(request.id, MODEL, {
        actor: PAUL,
      });
      f.reapplied.length = 0;
      await f.access.consumerKeys.manage(
        'pub-1',
        issued.key.id,
        'suspend',
        MODEL,
        {
          actor: FRANK,
        },
      );
      expect(await f.keys.listActiveKeysForPublication('pub-1')).toEqual([
        { clientId: issued.key.clientId, rateLimits: { requestsPerMinute: 0 } },
      ]);
      expect((await f.access.consumerKeys.mine(PAUL)).keys[0].suspended).toBe(
        true,
      );
      await f.access.consumerKeys.manage(
        'pub-1',
        issued.key.id,
        'resume',
        MODEL,
        {
          actor: FRANK,
        },
      );
      expect(await f.keys.listActiveKeysForPublication('pub-1')).toEqual([
        {
          clientId: issued.key.clientId,
          rateLimits: { requestsPerMinute: 600 },
        },
      ]);
      expect(f.reapplied).toEqual(['pub-1', 'pub-1']);
      await f.access.consumerKeys.manage(
        'pub-1',
        issued.key.id,
        'revoke',
        MODEL,
        {
          actor: FRANK,
        },
      );
      expect(await f.keys.listActiveKeysForPublication('pub-1')).toEqual([]);
    });

    it("a plan's limit edits reach the keys issued on it (suspended keys keep 0 until resumed); its lifetime does not", async () => {
      const approved = async () => {
        const { request } = await requestProduction();
        await f.access.requests.decide(
          request,
          MODEL,
          { decision: 'approve' },
          { actor: FRANK },
        );
        return (
          await f.access.requests.issue(request.id, MODEL, { actor: PAUL })
        ).issued;
      };
      const active = await approved();
      const suspended = await approved();
      await f.access.consumerKeys.manage(
        'pub-1',
        suspended.key.id,
        'suspend',
        MODEL,
        {
          actor: FRANK,
        },
      );
      const limitsOf = async () =>
        Object.fromEntries(
          (await f.keys.listActiveKeysForPublication('pub-1')).map(k => [
            k.clientId,
            k.rateLimits,
          ]),
        );
      f.reapplied.length = 0;

      // No edit: nothing changes, nothing is re-applied.
      expect(await f.access.requests.applyPlanEdits(publication)).toBe(0);
      expect(f.reapplied).toEqual([]);

      const edited = {
        ...publication.config,
        plans: publication.config.plans!.map(p =>
          p.name === 'production'
            ? {
                ...p,
                rateLimits: {
                  requestsPerMinute: 300,
                  requestsPerMonth: 100000,
                },
                maxKeyLifetimeDays: 7,
              }
            : p,
        ),
      };
      const updated = (await f.publications.update('pub-1', {
        config: edited,
      }))!;
      expect(await f.access.requests.applyPlanEdits(updated)).toBe(1);
      expect(f.reapplied).toEqual(['pub-1']);
      expect(await limitsOf()).toEqual({
        [active.key.clientId]: {
          requestsPerMinute: 300,
          requestsPerMonth: 100000,
        },
        [suspended.key.clientId]: { requestsPerMinute: 0 },
      });
      await f.access.consumerKeys.manage(
        'pub-1',
        suspended.key.id,
        'resume',
        MODEL,
        {
          actor: FRANK,
        },
      );
      expect((await limitsOf())[suspended.key.clientId]).toEqual({
        requestsPerMinute: 300,
        requestsPerMonth: 100000,
      });
      // The shorter maximum lifetime is for new keys: issued keys keep their expiry.
      const mine = (await f.access.consumerKeys.mine(PAUL)).keys.find(
        k => k.key.id === active.key.id,
      )!;
      expect(mine.key.expiresAt).toBe(active.key.expiresAt);
      expect(mine.rateLimits).toEqual({
        requestsPerMinute: 300,
        requestsPerMonth: 100000,
      });
    });
  },
);
