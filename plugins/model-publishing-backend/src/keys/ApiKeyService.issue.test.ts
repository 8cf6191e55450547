import {
  ALICE,
  TARGET,
  useKeyServiceFixture,
} from './__testUtils__/keyServiceFixture';
import { keyTestDatabases } from './__testUtils__/db';
import { hashApiKey, isWellFormedApiKey } from './keyFormat';

describe.each(keyTestDatabases())('ApiKeyService: issuing keys (%s)', kind => {
  const f = useKeyServiceFixture(kind);

  it('issues a key into the Secret and keeps only hash and prefix in the database', async () => {
    const keys = f.service();
    const issued = await keys.create(
      { publicationId: f.publication.id, name: 'frontend' },
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
    expect(f.secrets.keys(TARGET)).toEqual({
      [issued.key.clientId]: issued.secret,
    });
    const row = await f.db('api_keys').where({ id: issued.key.id }).first();
    expect(row.hash).toBe(hashApiKey(issued.secret));
    expect(row.prefix).toBe(issued.secret.slice(0, 8));
    const listed = await keys.list(f.publication.id);
    expect(listed).toEqual([issued.key]);
    expect(JSON.stringify(listed)).not.toContain(issued.secret);
  });

  it('refuses a second live key with the same name (409), and frees the name on revoke', async () => {
    const keys = f.service();
    const first = await keys.create(
      { publicationId: f.publication.id, name: 'app' },
      ALICE,
    );
    await expect(
      keys.create({ publicationId: f.publication.id, name: 'app' }, ALICE),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'name: a key named "app" already exists',
      ),
    });
    expect(Object.keys(f.secrets.keys(TARGET))).toHaveLength(1);
    await keys.revoke(
      { publicationId: f.publication.id, keyId: first.key.id },
      ALICE,
    );
    const second = await keys.create(
      { publicationId: f.publication.id, name: 'app' },
      ALICE,
    );
    expect(f.secrets.keys(TARGET)).toEqual({
      [second.key.clientId]: second.secret,
    });
  });

  it('refuses a key beyond the live-key cap with a 409 naming it; rotation and a revoke make room (issue 14, finding 10)', async () => {
    const keys = f.service({ maxLivePerPublication: 3 });
    const made = [];
    for (const name of ['a', 'b', 'c'])
      made.push(
        await keys.create({ publicationId: f.publication.id, name }, ALICE),
      );
    await expect(
      keys.create({ publicationId: f.publication.id, name: 'd' }, ALICE),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /^keys: this publication already has 3 live keys, the most it may hold \(modelPublishing\.keys\.maxLivePerPublication = 3\)/,
      ),
    });
    expect(Object.keys(f.secrets.keys(TARGET))).toHaveLength(3);
    await keys.rotate(
      { publicationId: f.publication.id, keyId: made[0].key.id },
      ALICE,
    );
    await keys.revoke(
      { publicationId: f.publication.id, keyId: made[1].key.id },
      ALICE,
    );
    await keys.revoke(
      { publicationId: f.publication.id, keyId: made[0].key.id },
      ALICE,
    );
    await keys.create({ publicationId: f.publication.id, name: 'd' }, ALICE);
  });

  it('refuses bad input with a 400 naming the field, changing nothing', async () => {
    const keys = f.service();
    await expect(
      keys.create(
        {
          publicationId: f.publication.id,
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
          publicationId: f.publication.id,
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
    expect(await f.db('api_keys').count({ n: '*' })).toEqual([
      { n: kind === 'postgres' ? '0' : 0 },
    ]);
    expect(f.secrets.keys(TARGET)).toEqual({});
  });

  it('does not hand out a key it could not put in the Secret', async () => {
    const keys = f.service();
    f.secrets.failNext = 1;
    await expect(
      keys.create({ publicationId: f.publication.id, name: 'a' }, ALICE),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });
    const [row] = await f.db('api_keys');
    expect(row.revoked_at).not.toBeNull();
    const audit = await f.db('audit_log').where({ action: 'key.create' });
    expect(audit).toMatchObject([{ outcome: 'failed', key_id: row.id }]);
    // The name is free again.
    await keys.create({ publicationId: f.publication.id, name: 'a' }, ALICE);
  });

  it('refuses key changes on publications that are not published, but revokes anywhere', async () => {
    const keys = f.service();
    const a = await keys.create(
      { publicationId: f.publication.id, name: 'a' },
      ALICE,
    );
    await f.publications.update(f.publication.id, { status: 'unpublished' });
    await expect(
      keys.create({ publicationId: f.publication.id, name: 'b' }, ALICE),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('the publication is unpublished'),
    });
    expect(
      (
        await keys.revoke(
          { publicationId: f.publication.id, keyId: a.key.id },
          ALICE,
        )
      ).status,
    ).toBe('revoked');
  });
});
