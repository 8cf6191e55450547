import {
  ALICE,
  HOUR,
  START,
  TARGET,
  useKeyServiceFixture,
} from './__testUtils__/keyServiceFixture';
import { keyTestDatabases } from './__testUtils__/db';

describe.each(keyTestDatabases())('ApiKeyService: rotation (%s)', kind => {
  const f = useKeyServiceFixture(kind);

  it('rotation keeps both keys until the grace ends, then only the new one', async () => {
    const keys = f.service();
    const old = await keys.create(
      { publicationId: f.publication.id, name: 'app' },
      ALICE,
    );
    f.clock = new Date(START.getTime() + HOUR);
    const rotated = await keys.rotate(
      { publicationId: f.publication.id, keyId: old.key.id },
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
      graceUntil: new Date(f.clock.getTime() + 24 * HOUR).toISOString(),
    });
    expect(f.secrets.keys(TARGET)).toEqual({
      [old.key.clientId]: old.secret,
      [rotated.key.clientId]: rotated.secret,
    });

    // One minute before the end of grace: nothing to do.
    f.clock = new Date(START.getTime() + 25 * HOUR - 60_000);
    expect((await keys.sweep()).removed).toEqual([]);
    expect(Object.keys(f.secrets.keys(TARGET))).toHaveLength(2);

    f.clock = new Date(START.getTime() + 25 * HOUR);
    const result = await keys.sweep();
    expect(result).toEqual({
      removed: [
        {
          keyId: old.key.id,
          publicationId: f.publication.id,
          reason: 'grace-ended',
        },
      ],
      failed: [],
      deferred: [],
    });
    expect(f.secrets.keys(TARGET)).toEqual({
      [rotated.key.clientId]: rotated.secret,
    });
    const statuses = Object.fromEntries(
      (await keys.list(f.publication.id)).map(k => [k.id, k.status]),
    );
    expect(statuses).toEqual({
      [old.key.id]: 'expired',
      [rotated.key.id]: 'active',
    });
    // A second run finds nothing left.
    expect((await keys.sweep()).removed).toEqual([]);
  });

  it("during the grace period the rotated pair shares one budget (design: rotation never doubles a key's limits)", async () => {
    const keys = f.service();
    const old = await keys.create(
      { publicationId: f.publication.id, name: 'app' },
      ALICE,
    );
    const other = await keys.create(
      { publicationId: f.publication.id, name: 'other' },
      ALICE,
    );
    f.limitChanges = [];
    const rotated = await keys.rotate(
      { publicationId: f.publication.id, keyId: old.key.id },
      ALICE,
    );
    // The route's limits are rebuilt at once, with the new key tied to the old one's client id.
    expect(f.limitChanges).toEqual([f.publication.id]);
    const live = await keys.listActiveKeysForPublication(f.publication.id);
    expect(live.map(k => [k.clientId, k.sharesBudgetWith])).toEqual(
      expect.arrayContaining([
        [old.key.clientId, undefined],
        [other.key.clientId, undefined],
        [rotated.key.clientId, old.key.clientId],
      ]),
    );
    expect(
      (await keys.listActiveKeysForPublication(f.publication.id)).find(
        k => k.clientId === rotated.key.clientId,
      ),
    ).toMatchObject({
      sharesBudgetWith: old.key.clientId,
    });
    // Once the old key is gone the new one stands alone.
    f.clock = new Date(START.getTime() + 25 * HOUR);
    await keys.sweep();
    expect(
      (await keys.listActiveKeysForPublication(f.publication.id)).every(
        k => k.sharesBudgetWith === undefined,
      ),
    ).toBe(true);
    // Revoking at once (grace 0) has no pair, and nothing to rebuild for a key without limits.
    f.limitChanges = [];
    await keys.rotate(
      {
        publicationId: f.publication.id,
        keyId: other.key.id,
        gracePeriodHours: 0,
      },
      ALICE,
    );
    expect(f.limitChanges).toEqual([]);
  });

  it('uses the configured grace; 0 revokes the old key at once', async () => {
    const keys = f.service({ rotationGraceHours: 0 });
    const old = await keys.create(
      { publicationId: f.publication.id, name: 'app' },
      ALICE,
    );
    const rotated = await keys.rotate(
      { publicationId: f.publication.id, keyId: old.key.id },
      ALICE,
    );
    expect(rotated.previous.status).toBe('revoked');
    expect(f.secrets.keys(TARGET)).toEqual({
      [rotated.key.clientId]: rotated.secret,
    });
    // A per-request grace overrides the configured one.
    const again = await keys.rotate(
      {
        publicationId: f.publication.id,
        keyId: rotated.key.id,
        gracePeriodHours: 2,
      },
      ALICE,
    );
    expect(again.previous.graceUntil).toBe(
      new Date(START.getTime() + 2 * HOUR).toISOString(),
    );
    expect(Object.keys(f.secrets.keys(TARGET)).sort()).toEqual(
      [rotated.key.clientId, again.key.clientId].sort(),
    );
  });

  it('a key can be rotated only once, and not after revoke', async () => {
    const keys = f.service();
    const old = await keys.create(
      { publicationId: f.publication.id, name: 'app' },
      ALICE,
    );
    await keys.rotate(
      { publicationId: f.publication.id, keyId: old.key.id },
      ALICE,
    );
    await expect(
      keys.rotate(
        { publicationId: f.publication.id, keyId: old.key.id },
        ALICE,
      ),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('already rotated'),
    });
    const other = await keys.create(
      { publicationId: f.publication.id, name: 'other' },
      ALICE,
    );
    await keys.revoke(
      { publicationId: f.publication.id, keyId: other.key.id },
      ALICE,
    );
    await expect(
      keys.rotate(
        { publicationId: f.publication.id, keyId: other.key.id },
        ALICE,
      ),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('is revoked'),
    });
    await expect(
      keys.rotate({ publicationId: f.publication.id, keyId: 'missing' }, ALICE),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });

  it('undoes a rotation whose Secret write failed: the old key stays active', async () => {
    const keys = f.service();
    const old = await keys.create(
      { publicationId: f.publication.id, name: 'a' },
      ALICE,
    );
    f.secrets.failNext = 1;
    await expect(
      keys.rotate(
        { publicationId: f.publication.id, keyId: old.key.id },
        ALICE,
      ),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });
    const listed = await keys.list(f.publication.id);
    expect(listed.find(k => k.id === old.key.id)).toMatchObject({
      status: 'active',
    });
    expect(listed.filter(k => k.status === 'revoked')).toHaveLength(1);
    expect(f.secrets.keys(TARGET)).toEqual({ [old.key.clientId]: old.secret });
    await keys.rotate(
      { publicationId: f.publication.id, keyId: old.key.id },
      ALICE,
    );
  });

  it('a race of 20 concurrent rotations never duplicates or loses keys (409 retries)', async () => {
    // Two service instances, as two replicas would be.
    const replicas = [f.service(), f.service()];
    const originals = [];
    for (let i = 0; i < 20; i++) {
      originals.push(
        await replicas[0].create(
          { publicationId: f.publication.id, name: `app-${i}` },
          ALICE,
        ),
      );
    }
    const conflictsBefore = f.secrets.conflicts;
    f.secrets.holdReads(20);
    const rotated = await Promise.all(
      originals.map((o, i) =>
        replicas[i % 2].rotate(
          { publicationId: f.publication.id, keyId: o.key.id },
          ALICE,
        ),
      ),
    );
    // All 20 read the same version: 19 lost the first round and retried.
    expect(f.secrets.conflicts - conflictsBefore).toBeGreaterThanOrEqual(19);
    const inSecret = f.secrets.keys(TARGET);
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
          { publicationId: f.publication.id, keyId: target.key.id },
          ALICE,
        ),
      ),
    );
    const won = outcomes.filter(o => o.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const o of outcomes.filter(x => x.status === 'rejected')) {
      expect((o as PromiseRejectedResult).reason.name).toBe('ConflictError');
    }
    const after = f.secrets.keys(TARGET);
    expect(Object.keys(after)).toHaveLength(41);
    expect(new Set(Object.values(after)).size).toBe(41);
  });
});
