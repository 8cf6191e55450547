import {
  ALICE,
  TARGET,
  useKeyServiceFixture,
} from './__testUtils__/keyServiceFixture';
import { keyTestDatabases } from './__testUtils__/db';

describe.each(keyTestDatabases())(
  'ApiKeyService: per-key rate limits (%s)',
  kind => {
    const f = useKeyServiceFixture(kind);

    describe('per-key rate limits', () => {
      it('stores limits on the key, lists active keys without keys, and asks for the policy to be re-applied', async () => {
        const keys = f.service();
        const plain = await keys.create(
          { publicationId: f.publication.id, name: 'plain' },
          ALICE,
        );
        expect(f.limitChanges).toEqual([]);
        const limited = await keys.create(
          {
            publicationId: f.publication.id,
            name: 'batch',
            rateLimits: { requestsPerMinute: 600 },
          },
          ALICE,
        );
        expect(limited.key.rateLimits).toEqual({ requestsPerMinute: 600 });
        expect(f.limitChanges).toEqual([f.publication.id]);
        const active = await keys.listActiveKeysForPublication(
          f.publication.id,
        );
        expect(active).toHaveLength(2);
        expect(active).toEqual(
          expect.arrayContaining([
            { clientId: plain.key.clientId },
            {
              clientId: limited.key.clientId,
              rateLimits: { requestsPerMinute: 600 },
            },
          ]),
        );
        expect(JSON.stringify(active)).not.toContain('mpk_');
        // Rotation carries the limits to the new key; both are active during grace.
        const rotated = await keys.rotate(
          { publicationId: f.publication.id, keyId: limited.key.id },
          ALICE,
        );
        expect(rotated.key.rateLimits).toEqual({ requestsPerMinute: 600 });
        expect(
          (await keys.listActiveKeysForPublication(f.publication.id))
            .map(k => k.clientId)
            .sort(),
        ).toEqual(
          [
            plain.key.clientId,
            limited.key.clientId,
            rotated.key.clientId,
          ].sort(),
        );
        expect(f.limitChanges).toHaveLength(2);
        await keys.revoke(
          { publicationId: f.publication.id, keyId: rotated.key.id },
          ALICE,
        );
        expect(f.limitChanges).toHaveLength(3);
      });

      it("changes a live key's limits in place: re-applies the policy only when they change, checks the rule budget first, and leaves a consumer's plan alone", async () => {
        const keys = f.service({ rateLimitMode: 'local' });
        const a = await keys.create(
          { publicationId: f.publication.id, name: 'a', description: 'job A' },
          ALICE,
        );
        expect(a.key.description).toBe('job A');
        const described = await keys.update(
          {
            publicationId: f.publication.id,
            keyId: a.key.id,
            description: 'B',
          },
          ALICE,
        );
        expect(described.description).toBe('B');
        expect(f.limitChanges).toEqual([]);
        const limited = await keys.update(
          {
            publicationId: f.publication.id,
            keyId: a.key.id,
            rateLimits: { requestsPerHour: 10 },
          },
          ALICE,
        );
        expect(limited.rateLimits).toEqual({ requestsPerHour: 10 });
        expect(f.limitChanges).toEqual([f.publication.id]);
        expect(
          await keys.listActiveKeysForPublication(f.publication.id),
        ).toEqual([
          { clientId: a.key.clientId, rateLimits: { requestsPerHour: 10 } },
        ]);
        // The same limits again: nothing to re-apply.
        await keys.update(
          {
            publicationId: f.publication.id,
            keyId: a.key.id,
            rateLimits: { requestsPerHour: 10 },
          },
          ALICE,
        );
        expect(f.limitChanges).toHaveLength(1);
        // 7 more keys with limits fill the 16 local rules; giving a plain key limits would need 18.
        for (let i = 0; i < 7; i++) {
          await keys.create(
            {
              publicationId: f.publication.id,
              name: `k${i}`,
              rateLimits: { requestsPerHour: 5 },
            },
            ALICE,
          );
        }
        const plain = await keys.create(
          { publicationId: f.publication.id, name: 'plain' },
          ALICE,
        );
        await expect(
          keys.update(
            {
              publicationId: f.publication.id,
              keyId: plain.key.id,
              rateLimits: { requestsPerHour: 1 },
            },
            ALICE,
          ),
        ).rejects.toMatchObject({ name: 'InputError' });
        expect(
          (await keys.list(f.publication.id)).find(k => k.id === plain.key.id)
            ?.rateLimits,
        ).toBeUndefined();
        // A consumer's key takes its plan's limits.
        await f
          .db('api_keys')
          .where({ id: plain.key.id })
          .update({ consumer_ref: 'user:default/frank' });
        await expect(
          keys.update(
            {
              publicationId: f.publication.id,
              keyId: plain.key.id,
              rateLimits: {},
            },
            ALICE,
          ),
        ).rejects.toMatchObject({ name: 'ConflictError' });
      });

      it('refuses limits beyond the 16 local rules with a clear error', async () => {
        const keys = f.service({ rateLimitMode: 'local' });
        // 60/min default + own limit: each key needs 2 local rules (minute + hour), 8 keys = 16.
        for (let i = 0; i < 8; i++) {
          await keys.create(
            {
              publicationId: f.publication.id,
              name: `k${i}`,
              rateLimits: { requestsPerHour: 100 + i },
            },
            ALICE,
          );
        }
        await expect(
          keys.create(
            {
              publicationId: f.publication.id,
              name: 'k8',
              rateLimits: { requestsPerHour: 1 },
            },
            ALICE,
          ),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringContaining(
            'local rate limiting allows at most 16 rules',
          ),
        });
        expect(Object.keys(f.secrets.keys(TARGET))).toHaveLength(8);
      });

      it('refuses limits beyond the 256 global rules with a clear error', async () => {
        // An LLM with all six windows: each limited key needs 6 rules, plus 6 Distinct rules for the
        // publication's own: 41 keys = 252 rules; the 42nd would need 258. (At most 63 keys may have
        // limits of their own: Envoy Gateway v1.8.1 allows 64 headers per client selector.)
        const all = {
          requestsPerMinute: 1,
          requestsPerHour: 2,
          requestsPerDay: 3,
          tokensPerMinute: 4,
          tokensPerHour: 5,
          tokensPerDay: 6,
        };
        const llm = await f.addPublication(
          'pub-llm',
          { rateLimits: all },
          'openai',
        );
        f.secrets.seed({ ...TARGET, name: 'pub-llm-mp-keys' });
        const keys = f.service();
        for (let i = 0; i < 41; i++) {
          await keys.create(
            { publicationId: llm.id, name: `k${i}`, rateLimits: all },
            ALICE,
          );
        }
        await expect(
          keys.create(
            { publicationId: llm.id, name: 'k41', rateLimits: all },
            ALICE,
          ),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringContaining('at most 256 rate-limit rules'),
        });
      }, 30_000);
    });
  },
);
