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
const DAY = 86_400_000;

describe.each(keyTestDatabases())('AccessLifecycle (%s)', kind => {
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

  async function issuedKey(
    consumer = PAUL_APP,
    plan = 'production',
    days?: number,
  ) {
    const { request } = await f.access.requests.request(
      publication,
      MODEL,
      { plan, purpose: 'Scores card payments at checkout', consumer },
      { actor: PAUL },
    );
    await f.access.requests.decide(
      request,
      MODEL,
      { decision: 'approve', ...(days ? { keyLifetimeDays: days } : {}) },
      { actor: FRANK },
    );
    return (await f.access.requests.issue(request.id, MODEL, { actor: PAUL }))
      .issued;
  }

  it('suspends the keys of a consumer that left the catalog, once, and tells the owners', async () => {
    const appKey = await issuedKey(PAUL_APP);
    const ownKey = await issuedKey(PAUL);
    f.notices.length = 0;
    expect(await f.lifecycle.run()).toEqual({ suspended: [], expiring: [] });

    f.removed.add(PAUL_APP);
    expect((await f.lifecycle.run()).suspended).toEqual([appKey.key.id]);
    expect(f.notices).toEqual([`consumerGone ${PAUL_APP}`]);
    const active = await f.keys.listActiveKeysForPublication('pub-1');
    expect(active).toContainEqual({
      clientId: appKey.key.clientId,
      rateLimits: { requestsPerMinute: 0 },
    });
    expect(active).toContainEqual({
      clientId: ownKey.key.clientId,
      rateLimits: { requestsPerMinute: 600 },
    });
    // Nothing more to do the next time.
    expect((await f.lifecycle.run()).suspended).toEqual([]);
    expect(f.notices).toHaveLength(1);
  });

  it('tells holders once when a key is 7 days from expiry', async () => {
    const key = await issuedKey(PAUL_APP, 'production', 30);
    f.notices.length = 0;
    f.setClock(new Date(Date.now() + 22 * DAY));
    expect((await f.lifecycle.run()).expiring).toEqual([]);
    f.setClock(new Date(Date.now() + 24 * DAY));
    expect((await f.lifecycle.run()).expiring).toEqual([key.key.id]);
    // The Component's owner (paul) holds it.
    expect(f.notices).toEqual([`keyExpiring ${key.key.name} ${PAUL}`]);
    expect((await f.lifecycle.run()).expiring).toEqual([]);
  });
});
