import type { Knex } from 'knex';
import { createKeyTestDb, keyTestDatabases } from '../keys/__testUtils__/db';
import {
  accessFixture,
  FRANK,
  GRACE,
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

describe.each(keyTestDatabases())('ConsumerKeys (%s)', kind => {
  let db: Knex;
  let close: () => Promise<void>;
  let f: AccessFixture;

  beforeEach(async () => {
    ({ db, close } = await createKeyTestDb(kind));
    f = await accessFixture(db);
  });
  afterEach(async () => close());

  /** A key issued to paul's Component on the automatic trial plan. */
  const issueTrialKey = async () => {
    const publication = (await f.publications.get('pub-1'))!;
    const { issued } = await f.access.requests.request(
      publication,
      MODEL,
      { plan: 'trial', purpose: 'Tests', consumer: PAUL_APP },
      { actor: PAUL },
    );
    return issued!;
  };

  const auditActions = async () =>
    (
      await db('audit_log')
        .where('action', 'like', 'access.%')
        .select('action', 'actor', 'key_id')
    )
      .map(r => `${r.action} ${r.actor} ${r.key_id ?? '-'}`)
      .sort();

  it('joins a consumer key with its plan and publication, for owners and holders alike', async () => {
    const issued = await issueTrialKey();
    const [owned] = await f.access.consumerKeys.consumersOf('pub-1');
    expect(owned).toMatchObject({
      key: { id: issued.key.id },
      consumerRef: PAUL_APP,
      planName: 'trial',
      rateLimits: { requestsPerDay: 100 },
      suspended: false,
      entityRef: MODEL_REF,
      publicationId: 'pub-1',
      namespace: 'ml',
      name: 'fraud-sklearn',
    });
    expect(await f.access.consumerKeys.consumerKeyById(issued.key.id)).toEqual(
      owned,
    );
    expect((await f.access.consumerKeys.mine(PAUL)).keys).toEqual([owned]);
    expect(await f.access.consumerKeys.consumerEntities()).toEqual(
      new Map([['pub-1', [PAUL_APP]]]),
    );
  });

  it('holds: the owner of the consumer Component holds its key, another user does not', async () => {
    await issueTrialKey();
    expect(
      await f.access.consumerKeys.holds(PAUL, { consumerRef: PAUL_APP }),
    ).toBe(true);
    expect(
      await f.access.consumerKeys.holds(GRACE, { consumerRef: PAUL_APP }),
    ).toBe(false);
  });

  it('answers 404 for a key that is no consumer key', async () => {
    await expect(
      f.access.consumerKeys.consumerKeyById('no-such-key'),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      f.access.consumerKeys.consumerKey('pub-1', 'no-such-key'),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('owners suspend once (a second suspend changes and audits nothing); a suspended key cannot be rotated by its holder', async () => {
    const issued = await issueTrialKey();
    f.reapplied.length = 0;
    for (let i = 0; i < 2; i++) {
      await f.access.consumerKeys.manage(
        'pub-1',
        issued.key.id,
        'suspend',
        MODEL,
        { actor: FRANK },
      );
    }
    expect(f.reapplied).toEqual(['pub-1']);
    const held = await f.access.consumerKeys.consumerKeyById(issued.key.id);
    expect(held.suspended).toBe(true);
    await expect(
      f.access.consumerKeys.rotateHeld(held, 0, { actor: PAUL }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('suspended'),
    });
    expect(await auditActions()).toEqual(
      [
        `access.request ${PAUL} -`,
        `access.issue ${PAUL} ${issued.key.id}`,
        `access.suspend ${FRANK} ${issued.key.id}`,
      ].sort(),
    );
  });

  it('the holder rotates and revokes their own key through the key service', async () => {
    const issued = await issueTrialKey();
    const held = await f.access.consumerKeys.consumerKeyById(issued.key.id);
    const rotated = await f.access.consumerKeys.rotateHeld(held, 0, {
      actor: PAUL,
    });
    expect(rotated.previous.id).toBe(issued.key.id);
    expect(rotated.previous.status).toBe('revoked');
    const revoked = await f.access.consumerKeys.revokeHeld(
      await f.access.consumerKeys.consumerKeyById(rotated.key.id),
      {
        actor: PAUL,
      },
    );
    expect(revoked.key).toMatchObject({
      id: rotated.key.id,
      status: 'revoked',
    });
  });
});
