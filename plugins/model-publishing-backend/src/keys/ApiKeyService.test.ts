import type { Knex } from 'knex';
import type {
  Publication,
  PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import { AuditLog } from '../audit/AuditLog';
import { PublicationStore } from '../database/PublicationStore';
import { ApiKeyService, type ApiKeyServiceOptions } from './ApiKeyService';
import { ApiKeyStore } from './ApiKeyStore';
import { hashApiKey, isWellFormedApiKey } from './keyFormat';
import {
  createKeyTestDb,
  dumpAllTables,
  keyTestDatabases,
} from './__testUtils__/db';
import {
  FakeSecretClient,
  captureAuditor,
  captureLogger,
} from './__testUtils__/fakes';

const HOUR = 3_600_000;
const START = new Date('2026-12-01T00:00:00.000Z');
const TARGET = { cluster: 'default', namespace: 'ml', name: 'fraud-mp-keys' };
const ALICE = { actor: 'user:default/alice' };

describe.each(keyTestDatabases())('ApiKeyService (%s)', kind => {
  let db: Knex;
  let close: () => Promise<void>;
  let publications: PublicationStore;
  let secrets: FakeSecretClient;
  let logger: ReturnType<typeof captureLogger>;
  let auditor: ReturnType<typeof captureAuditor>;
  let clock: Date;
  let publication: Publication;
  let limitChanges: string[];

  async function addPublication(
    id: string,
    config: PublishConfig = { rateLimits: { requestsPerMinute: 60 } },
    modelKind: Publication['modelKind'] = 'v2',
  ): Promise<Publication> {
    await publications.insertPublishing(
      {
        id,
        cluster: 'default',
        namespace: 'ml',
        name: id === 'pub-1' ? 'fraud' : id,
        entityRef: `component:ml/${id}`,
        owner: 'group:default/ml',
        modelKind,
        config,
        objects: [],
        endpoints: [],
        createdBy: ALICE.actor,
      },
      START,
    );
    return (await publications.update(
      id,
      { status: 'published' },
      { now: START },
    ))!;
  }

  function service(extra: Partial<ApiKeyServiceOptions> = {}): ApiKeyService {
    return new ApiKeyService({
      store: new ApiKeyStore(db),
      publications,
      secrets,
      auditor: new AuditLog(db, auditor),
      logger,
      rateLimitMode: 'global',
      rotationGraceHours: 24,
      now: () => clock,
      secretWrite: { maxBackoffMs: 3 },
      onKeyLimitsChanged: async id => {
        limitChanges.push(id);
      },
      ...extra,
    });
  }

  beforeEach(async () => {
    ({ db, close } = await createKeyTestDb(kind));
    publications = new PublicationStore(db);
    secrets = new FakeSecretClient();
    logger = captureLogger();
    auditor = captureAuditor();
    clock = START;
    limitChanges = [];
    publication = await addPublication('pub-1');
    secrets.seed(TARGET);
  });

  afterEach(async () => {
    await close();
  });

  it('issues a key into the Secret and keeps only hash and prefix in the database', async () => {
    const keys = service();
    const issued = await keys.create(
      { publicationId: publication.id, name: 'frontend' },
      ALICE,
    );
    expect(isWellFormedApiKey(issued.secret)).toBe(true);
    expect(issued.key).toMatchObject({
      name: 'frontend',
      status: 'active',
      prefix: issued.secret.slice(0, 8),
      clientId: `key-${issued.key.id}`,
      createdBy: ALICE.actor,
    });
    expect(secrets.keys(TARGET)).toEqual({
      [issued.key.clientId]: issued.secret,
    });
    const row = await db('api_keys').where({ id: issued.key.id }).first();
    expect(row.hash).toBe(hashApiKey(issued.secret));
    expect(row.prefix).toBe(issued.secret.slice(0, 8));
    const listed = await keys.list(publication.id);
    expect(listed).toEqual([issued.key]);
    expect(JSON.stringify(listed)).not.toContain(issued.secret);
  });

  it('refuses a second live key with the same name (409), and frees the name on revoke', async () => {
    const keys = service();
    const first = await keys.create(
      { publicationId: publication.id, name: 'app' },
      ALICE,
    );
    await expect(
      keys.create({ publicationId: publication.id, name: 'app' }, ALICE),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'name: a key named "app" already exists',
      ),
    });
    expect(Object.keys(secrets.keys(TARGET))).toHaveLength(1);
    await keys.revoke(
      { publicationId: publication.id, keyId: first.key.id },
      ALICE,
    );
    const second = await keys.create(
      { publicationId: publication.id, name: 'app' },
      ALICE,
    );
    expect(secrets.keys(TARGET)).toEqual({
      [second.key.clientId]: second.secret,
    });
  });

  it('refuses a key beyond the live-key cap with a 409 naming it; rotation and a revoke make room (issue 14, finding 10)', async () => {
    const keys = service({ maxLivePerPublication: 3 });
    const made = [];
    for (const name of ['a', 'b', 'c'])
      made.push(
        await keys.create({ publicationId: publication.id, name }, ALICE),
      );
    await expect(
      keys.create({ publicationId: publication.id, name: 'd' }, ALICE),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /^keys: this publication already has 3 live keys, the most it may hold \(modelPublishing\.keys\.maxLivePerPublication = 3\)/,
      ),
    });
    expect(Object.keys(secrets.keys(TARGET))).toHaveLength(3);
    await keys.rotate(
      { publicationId: publication.id, keyId: made[0].key.id },
      ALICE,
    );
    await keys.revoke(
      { publicationId: publication.id, keyId: made[1].key.id },
      ALICE,
    );
    await keys.revoke(
      { publicationId: publication.id, keyId: made[0].key.id },
      ALICE,
    );
    await keys.create({ publicationId: publication.id, name: 'd' }, ALICE);
  });

  it('refuses bad input with a 400 naming the field, changing nothing', async () => {
    const keys = service();
    await expect(
      keys.create(
        {
          publicationId: publication.id,
          name: 'x',
          expiresAt: '2026-11-30T00:00:00Z',
        },
        ALICE,
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: 'expiresAt must be in the future',
    });
    await expect(
      keys.create(
        {
          publicationId: publication.id,
          name: 'x',
          rateLimits: { tokensPerMinute: 10 },
        },
        ALICE,
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /tokensPerMinute: token limits apply only/,
      ),
    });
    await expect(
      keys.create({ publicationId: 'nope', name: 'x' }, ALICE),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    expect(await db('api_keys').count({ n: '*' })).toEqual([
      { n: kind === 'postgres' ? '0' : 0 },
    ]);
    expect(secrets.keys(TARGET)).toEqual({});
  });

  it('rotation keeps both keys until the grace ends, then only the new one', async () => {
    const keys = service();
    const old = await keys.create(
      { publicationId: publication.id, name: 'app' },
      ALICE,
    );
    clock = new Date(START.getTime() + HOUR);
    const rotated = await keys.rotate(
      { publicationId: publication.id, keyId: old.key.id },
      ALICE,
    );
    expect(rotated.secret).not.toBe(old.secret);
    expect(rotated.key).toMatchObject({
      name: 'app',
      status: 'active',
      rotatedFrom: old.key.id,
    });
    expect(rotated.previous).toMatchObject({
      id: old.key.id,
      status: 'grace',
      graceUntil: new Date(clock.getTime() + 24 * HOUR).toISOString(),
    });
    expect(secrets.keys(TARGET)).toEqual({
      [old.key.clientId]: old.secret,
      [rotated.key.clientId]: rotated.secret,
    });

    // One minute before the end of grace: nothing to do.
    clock = new Date(START.getTime() + 25 * HOUR - 60_000);
    expect((await keys.sweep()).removed).toEqual([]);
    expect(Object.keys(secrets.keys(TARGET))).toHaveLength(2);

    clock = new Date(START.getTime() + 25 * HOUR);
    const result = await keys.sweep();
    expect(result).toEqual({
      removed: [
        {
          keyId: old.key.id,
          publicationId: publication.id,
          reason: 'grace-ended',
        },
      ],
      failed: [],
      deferred: [],
    });
    expect(secrets.keys(TARGET)).toEqual({
      [rotated.key.clientId]: rotated.secret,
    });
    const statuses = Object.fromEntries(
      (await keys.list(publication.id)).map(k => [k.id, k.status]),
    );
    expect(statuses).toEqual({
      [old.key.id]: 'expired',
      [rotated.key.id]: 'active',
    });
    // A second run finds nothing left.
    expect((await keys.sweep()).removed).toEqual([]);
  });

  it("during the grace period the rotated pair shares one budget (design: rotation never doubles a key's limits)", async () => {
    const keys = service();
    const old = await keys.create(
      { publicationId: publication.id, name: 'app' },
      ALICE,
    );
    const other = await keys.create(
      { publicationId: publication.id, name: 'other' },
      ALICE,
    );
    limitChanges = [];
    const rotated = await keys.rotate(
      { publicationId: publication.id, keyId: old.key.id },
      ALICE,
    );
    // The route's limits are rebuilt at once, with the new key tied to the old one's client id.
    expect(limitChanges).toEqual([publication.id]);
    const live = await keys.listActiveKeysForPublication(publication.id);
    expect(live.map(k => [k.clientId, k.sharesBudgetWith])).toEqual(
      expect.arrayContaining([
        [old.key.clientId, undefined],
        [other.key.clientId, undefined],
        [rotated.key.clientId, old.key.clientId],
      ]),
    );
    expect(
      (await keys.listActiveKeysForPublication(publication.id)).find(
        k => k.clientId === rotated.key.clientId,
      ),
    ).toMatchObject({
      sharesBudgetWith: old.key.clientId,
    });
    // Once the old key is gone the new one stands alone.
    clock = new Date(START.getTime() + 25 * HOUR);
    await keys.sweep();
    expect(
      (await keys.listActiveKeysForPublication(publication.id)).every(
        k => k.sharesBudgetWith === undefined,
      ),
    ).toBe(true);
    // Revoking at once (grace 0) has no pair, and nothing to rebuild for a key without limits.
    limitChanges = [];
    await keys.rotate(
      {
        publicationId: publication.id,
        keyId: other.key.id,
        gracePeriodHours: 0,
      },
      ALICE,
    );
    expect(limitChanges).toEqual([]);
  });

  it('uses the configured grace; 0 revokes the old key at once', async () => {
    const keys = service({ rotationGraceHours: 0 });
    const old = await keys.create(
      { publicationId: publication.id, name: 'app' },
      ALICE,
    );
    const rotated = await keys.rotate(
      { publicationId: publication.id, keyId: old.key.id },
      ALICE,
    );
    expect(rotated.previous.status).toBe('revoked');
    expect(secrets.keys(TARGET)).toEqual({
      [rotated.key.clientId]: rotated.secret,
    });
    // A per-request grace overrides the configured one.
    const again = await keys.rotate(
      {
        publicationId: publication.id,
        keyId: rotated.key.id,
        gracePeriodHours: 2,
      },
      ALICE,
    );
    expect(again.previous.graceUntil).toBe(
      new Date(START.getTime() + 2 * HOUR).toISOString(),
    );
    expect(Object.keys(secrets.keys(TARGET)).sort()).toEqual(
      [rotated.key.clientId, again.key.clientId].sort(),
    );
  });

  it('a key can be rotated only once, and not after revoke', async () => {
    const keys = service();
    const old = await keys.create(
      { publicationId: publication.id, name: 'app' },
      ALICE,
    );
    await keys.rotate(
      { publicationId: publication.id, keyId: old.key.id },
      ALICE,
    );
    await expect(
      keys.rotate({ publicationId: publication.id, keyId: old.key.id }, ALICE),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('already rotated'),
    });
    const other = await keys.create(
      { publicationId: publication.id, name: 'other' },
      ALICE,
    );
    await keys.revoke(
      { publicationId: publication.id, keyId: other.key.id },
      ALICE,
    );
    await expect(
      keys.rotate(
        { publicationId: publication.id, keyId: other.key.id },
        ALICE,
      ),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('is revoked'),
    });
    await expect(
      keys.rotate({ publicationId: publication.id, keyId: 'missing' }, ALICE),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });

  it('revoke removes the key from the Secret at once and is idempotent', async () => {
    const keys = service();
    const a = await keys.create(
      { publicationId: publication.id, name: 'a' },
      ALICE,
    );
    const b = await keys.create(
      { publicationId: publication.id, name: 'b' },
      ALICE,
    );
    const info = await keys.revoke(
      { publicationId: publication.id, keyId: a.key.id },
      ALICE,
    );
    expect(info).toMatchObject({
      id: a.key.id,
      status: 'revoked',
      revokedAt: START.toISOString(),
    });
    expect(secrets.keys(TARGET)).toEqual({ [b.key.clientId]: b.secret });
    expect(
      await keys.revoke(
        { publicationId: publication.id, keyId: a.key.id },
        ALICE,
      ),
    ).toEqual(info);
    // A key of another publication is not found through this one.
    await addPublication('pub-2');
    await expect(
      keys.revoke({ publicationId: 'pub-2', keyId: b.key.id }, ALICE),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });

  it('an expired key is gone from the Secret after the next sweep', async () => {
    const keys = service();
    const expiring = await keys.create(
      {
        publicationId: publication.id,
        name: 'temp',
        expiresAt: new Date(START.getTime() + 2 * HOUR).toISOString(),
      },
      ALICE,
    );
    const stays = await keys.create(
      { publicationId: publication.id, name: 'stays' },
      ALICE,
    );
    clock = new Date(START.getTime() + 2 * HOUR);
    expect(
      (await keys.list(publication.id)).find(k => k.id === expiring.key.id)
        ?.status,
    ).toBe('expired');
    const result = await keys.sweep();
    expect(result.removed).toEqual([
      {
        keyId: expiring.key.id,
        publicationId: publication.id,
        reason: 'expired',
      },
    ]);
    expect(secrets.keys(TARGET)).toEqual({
      [stays.key.clientId]: stays.secret,
    });
    const audit = await db('audit_log').where({
      key_id: expiring.key.id,
      action: 'key.expire',
    });
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe('system:model-publishing/key-sweep');
  });

  it('retries a failed revoke removal in the sweep, and reports failures without losing keys', async () => {
    const keys = service();
    const a = await keys.create(
      { publicationId: publication.id, name: 'a' },
      ALICE,
    );
    secrets.failNext = 1;
    await expect(
      keys.revoke({ publicationId: publication.id, keyId: a.key.id }, ALICE),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'could not update Secret ml/fraud-mp-keys: HTTP 500',
    });
    // Recorded as revoked although still in the Secret: the sweep finishes the job.
    expect((await keys.list(publication.id))[0].status).toBe('revoked');
    expect(Object.keys(secrets.keys(TARGET))).toEqual([a.key.clientId]);
    secrets.failNext = 1;
    const failed = await keys.sweep();
    expect(failed.failed).toEqual([
      {
        publicationId: publication.id,
        keyIds: [a.key.id],
        error: 'could not update Secret ml/fraud-mp-keys: HTTP 500',
      },
    ]);
    const ok = await keys.sweep();
    expect(ok.removed).toEqual([
      { keyId: a.key.id, publicationId: publication.id, reason: 'revoked' },
    ]);
    expect(secrets.keys(TARGET)).toEqual({});
  });

  it('does not hand out a key it could not put in the Secret', async () => {
    const keys = service();
    secrets.failNext = 1;
    await expect(
      keys.create({ publicationId: publication.id, name: 'a' }, ALICE),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });
    const [row] = await db('api_keys');
    expect(row.revoked_at).not.toBeNull();
    const audit = await db('audit_log').where({ action: 'key.create' });
    expect(audit).toMatchObject([{ outcome: 'failed', key_id: row.id }]);
    // The name is free again.
    await keys.create({ publicationId: publication.id, name: 'a' }, ALICE);
  });

  it('undoes a rotation whose Secret write failed: the old key stays active', async () => {
    const keys = service();
    const old = await keys.create(
      { publicationId: publication.id, name: 'a' },
      ALICE,
    );
    secrets.failNext = 1;
    await expect(
      keys.rotate({ publicationId: publication.id, keyId: old.key.id }, ALICE),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });
    const listed = await keys.list(publication.id);
    expect(listed.find(k => k.id === old.key.id)).toMatchObject({
      status: 'active',
    });
    expect(listed.filter(k => k.status === 'revoked')).toHaveLength(1);
    expect(secrets.keys(TARGET)).toEqual({ [old.key.clientId]: old.secret });
    await keys.rotate(
      { publicationId: publication.id, keyId: old.key.id },
      ALICE,
    );
  });

  it('refuses key changes on publications that are not published, but revokes anywhere', async () => {
    const keys = service();
    const a = await keys.create(
      { publicationId: publication.id, name: 'a' },
      ALICE,
    );
    await publications.update(publication.id, { status: 'unpublished' });
    await expect(
      keys.create({ publicationId: publication.id, name: 'b' }, ALICE),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('the publication is unpublished'),
    });
    expect(
      (
        await keys.revoke(
          { publicationId: publication.id, keyId: a.key.id },
          ALICE,
        )
      ).status,
    ).toBe('revoked');
  });

  describe('per-key rate limits', () => {
    it('stores limits on the key, lists active keys without keys, and asks for the policy to be re-applied', async () => {
      const keys = service();
      const plain = await keys.create(
        { publicationId: publication.id, name: 'plain' },
        ALICE,
      );
      expect(limitChanges).toEqual([]);
      const limited = await keys.create(
        {
          publicationId: publication.id,
          name: 'batch',
          rateLimits: { requestsPerMinute: 600 },
        },
        ALICE,
      );
      expect(limited.key.rateLimits).toEqual({ requestsPerMinute: 600 });
      expect(limitChanges).toEqual([publication.id]);
      const active = await keys.listActiveKeysForPublication(publication.id);
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
        { publicationId: publication.id, keyId: limited.key.id },
        ALICE,
      );
      expect(rotated.key.rateLimits).toEqual({ requestsPerMinute: 600 });
      expect(
        (await keys.listActiveKeysForPublication(publication.id))
          .map(k => k.clientId)
          .sort(),
      ).toEqual(
        [plain.key.clientId, limited.key.clientId, rotated.key.clientId].sort(),
      );
      expect(limitChanges).toHaveLength(2);
      await keys.revoke(
        { publicationId: publication.id, keyId: rotated.key.id },
        ALICE,
      );
      expect(limitChanges).toHaveLength(3);
    });

    it("changes a live key's limits in place: re-applies the policy only when they change, checks the rule budget first, and leaves a consumer's plan alone", async () => {
      const keys = service({ rateLimitMode: 'local' });
      const a = await keys.create(
        { publicationId: publication.id, name: 'a', description: 'job A' },
        ALICE,
      );
      expect(a.key.description).toBe('job A');
      const described = await keys.update(
        { publicationId: publication.id, keyId: a.key.id, description: 'B' },
        ALICE,
      );
      expect(described.description).toBe('B');
      expect(limitChanges).toEqual([]);
      const limited = await keys.update(
        {
          publicationId: publication.id,
          keyId: a.key.id,
          rateLimits: { requestsPerHour: 10 },
        },
        ALICE,
      );
      expect(limited.rateLimits).toEqual({ requestsPerHour: 10 });
      expect(limitChanges).toEqual([publication.id]);
      expect(await keys.listActiveKeysForPublication(publication.id)).toEqual([
        { clientId: a.key.clientId, rateLimits: { requestsPerHour: 10 } },
      ]);
      // The same limits again: nothing to re-apply.
      await keys.update(
        {
          publicationId: publication.id,
          keyId: a.key.id,
          rateLimits: { requestsPerHour: 10 },
        },
        ALICE,
      );
      expect(limitChanges).toHaveLength(1);
      // 7 more keys with limits fill the 16 local rules; giving a plain key limits would need 18.
      for (let i = 0; i < 7; i++) {
        await keys.create(
          {
            publicationId: publication.id,
            name: `k${i}`,
            rateLimits: { requestsPerHour: 5 },
          },
          ALICE,
        );
      }
      const plain = await keys.create(
        { publicationId: publication.id, name: 'plain' },
        ALICE,
      );
      await expect(
        keys.update(
          {
            publicationId: publication.id,
            keyId: plain.key.id,
            rateLimits: { requestsPerHour: 1 },
          },
          ALICE,
        ),
      ).rejects.toMatchObject({ name: 'InputError' });
      expect(
        (await keys.list(publication.id)).find(k => k.id === plain.key.id)
          ?.rateLimits,
      ).toBeUndefined();
      // A consumer's key takes its plan's limits.
      await db('api_keys')
        .where({ id: plain.key.id })
        .update({ consumer_ref: 'user:default/frank' });
      await expect(
        keys.update(
          {
            publicationId: publication.id,
            keyId: plain.key.id,
            rateLimits: {},
          },
          ALICE,
        ),
      ).rejects.toMatchObject({ name: 'ConflictError' });
    });

    it('refuses limits beyond the 16 local rules with a clear error', async () => {
      const keys = service({ rateLimitMode: 'local' });
      // 60/min default + own limit: each key needs 2 local rules (minute + hour), 8 keys = 16.
      for (let i = 0; i < 8; i++) {
        await keys.create(
          {
            publicationId: publication.id,
            name: `k${i}`,
            rateLimits: { requestsPerHour: 100 + i },
          },
          ALICE,
        );
      }
      await expect(
        keys.create(
          {
            publicationId: publication.id,
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
      expect(Object.keys(secrets.keys(TARGET))).toHaveLength(8);
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
      const llm = await addPublication(
        'pub-llm',
        { rateLimits: all },
        'openai',
      );
      secrets.seed({ ...TARGET, name: 'pub-llm-mp-keys' });
      const keys = service();
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

  it('a race of 20 concurrent rotations never duplicates or loses keys (409 retries)', async () => {
    // Two service instances, as two replicas would be.
    const replicas = [service(), service()];
    const originals = [];
    for (let i = 0; i < 20; i++) {
      originals.push(
        await replicas[0].create(
          { publicationId: publication.id, name: `app-${i}` },
          ALICE,
        ),
      );
    }
    const conflictsBefore = secrets.conflicts;
    secrets.holdReads(20);
    const rotated = await Promise.all(
      originals.map((o, i) =>
        replicas[i % 2].rotate(
          { publicationId: publication.id, keyId: o.key.id },
          ALICE,
        ),
      ),
    );
    // All 20 read the same version: 19 lost the first round and retried.
    expect(secrets.conflicts - conflictsBefore).toBeGreaterThanOrEqual(19);
    const inSecret = secrets.keys(TARGET);
    const expected = Object.fromEntries([
      ...originals.map(o => [o.key.clientId, o.secret]),
      ...rotated.map(r => [r.key.clientId, r.secret]),
    ]);
    expect(inSecret).toEqual(expected);
    expect(new Set(Object.values(inSecret)).size).toBe(40);

    // And 20 concurrent rotations of the same key: exactly one wins, the rest are 409s.
    const target = rotated[0];
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        replicas[i % 2].rotate(
          { publicationId: publication.id, keyId: target.key.id },
          ALICE,
        ),
      ),
    );
    const won = outcomes.filter(o => o.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const o of outcomes.filter(x => x.status === 'rejected')) {
      expect((o as PromiseRejectedResult).reason.name).toBe('ConflictError');
    }
    const after = secrets.keys(TARGET);
    expect(Object.keys(after)).toHaveLength(41);
    expect(new Set(Object.values(after)).size).toBe(41);
  });

  it('leaks no raw key into logs, audit, database or errors in a full create/rotate/revoke/expire run', async () => {
    const keys = service({ rotationGraceHours: 1 });
    const raw: string[] = [];
    const errors: string[] = [];
    const capture = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        errors.push(
          JSON.stringify({
            ...(e as object),
            name: (e as Error).name,
            message: (e as Error).message,
            stack: (e as Error).stack,
          }),
        );
      }
    };
    const a = await keys.create(
      { publicationId: publication.id, name: 'a' },
      ALICE,
    );
    const b = await keys.create(
      {
        publicationId: publication.id,
        name: 'b',
        expiresAt: new Date(START.getTime() + 3 * HOUR).toISOString(),
        rateLimits: { requestsPerMinute: 5 },
      },
      ALICE,
    );
    raw.push(a.secret, b.secret);
    const r = await keys.rotate(
      { publicationId: publication.id, keyId: a.key.id },
      ALICE,
    );
    raw.push(r.secret);
    const r0 = await keys.rotate(
      { publicationId: publication.id, keyId: r.key.id, gracePeriodHours: 0 },
      ALICE,
    );
    raw.push(r0.secret);
    await capture(
      keys.create({ publicationId: publication.id, name: 'a' }, ALICE),
    );
    await capture(
      keys.rotate({ publicationId: publication.id, keyId: a.key.id }, ALICE),
    );
    secrets.failNext = 1;
    await capture(
      keys.create({ publicationId: publication.id, name: 'c' }, ALICE),
    );
    secrets.failNext = 1;
    await capture(
      keys.revoke({ publicationId: publication.id, keyId: r0.key.id }, ALICE),
    );
    clock = new Date(START.getTime() + 4 * HOUR);
    await keys.sweep();
    expect(errors).toHaveLength(4);
    expect(secrets.keys(TARGET)).toEqual({});
    const dump = await dumpAllTables(db);
    expect(dump).toContain(b.key.id); // the scan does see the tables
    const haystacks = {
      logs: logger.lines.join('\n'),
      audit: auditor.events.join('\n'),
      db: dump,
      errors: errors.join('\n'),
    };
    expect(logger.lines.length).toBeGreaterThan(4);
    expect(auditor.events.length).toBeGreaterThan(8);
    for (const key of raw) {
      const forms = [key, key.slice(4), Buffer.from(key).toString('base64')];
      for (const [where, text] of Object.entries(haystacks)) {
        for (const form of forms) {
          if (text.includes(form))
            throw new Error(`a raw key was found in ${where}`);
        }
      }
    }
    expect(auditor.severities.every(s => s === 'high')).toBe(true);
  });
});
