import type { Knex } from 'knex';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import {
  createKeyTestDb,
  dumpAllTables,
  keyTestDatabases,
} from '../keys/__testUtils__/db';
import {
  accessFixture,
  FRANK,
  GRACE,
  GRACE_APP,
  MODEL_REF,
  PAUL,
  PAUL_APP,
  SECRET,
  type AccessFixture,
} from './__testUtils__/fixture';

const MODEL = {
  entityRef: MODEL_REF,
  owner: 'group:default/fraud-detection',
  title: 'fraud-sklearn',
};
const PURPOSE = 'Scores card payments in the checkout service';

describe.each(keyTestDatabases())('AccessRequests (%s)', kind => {
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

  it('offers the default plan (the published limits) first, then the declared plans', async () => {
    const plans = await f.access.requests.plansOf(publication);
    expect(
      plans.map(p => [p.name, p.approval, p.rateLimits, p.isDefault]),
    ).toEqual([
      ['default', 'manual', { requestsPerMinute: 60 }, true],
      ['trial', 'automatic', { requestsPerDay: 100 }, false],
      ['production', 'manual', { requestsPerMinute: 600 }, false],
    ]);
    // Stable ids: syncing again neither duplicates nor renames.
    expect(
      (await f.access.requests.plansOf(publication)).map(p => p.id),
    ).toEqual(plans.map(p => p.id));
  });

  it('refuses a consumer the requester neither is, belongs to nor owns — by the catalog, whatever the request says', async () => {
    for (const consumer of [
      GRACE_APP,
      GRACE,
      'group:default/genai',
      'component:default/not-in-catalog',
    ]) {
      await expect(
        f.access.requests.request(
          publication,
          MODEL,
          { plan: 'production', purpose: PURPOSE, consumer },
          { actor: PAUL },
        ),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringMatching(/^consumer: /),
      });
    }
    // A group paul belongs to, and a Component his group owns, are fine.
    for (const consumer of [
      'group:default/platform',
      'component:default/platform-gateway',
      PAUL,
    ]) {
      const { request } = await f.access.requests.request(
        publication,
        MODEL,
        { plan: 'production', purpose: PURPOSE, consumer },
        { actor: PAUL },
      );
      expect(request.status).toBe('pending');
    }
  });

  it('names an unknown plan in a 400 and stores nothing', async () => {
    await expect(
      f.access.requests.request(
        publication,
        MODEL,
        { plan: 'gold', purpose: PURPOSE, consumer: PAUL_APP },
        { actor: PAUL },
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        "plan: no plan named 'gold' (this model offers default, trial, production)",
    });
    expect(Number((await db('access_requests').count({ n: '*' }))[0].n)).toBe(
      0,
    );
  });

  it('manual plan: pending, owners told; approval; the requester collects the key once, owned by the consumer with the plan limits', async () => {
    const { request, issued } = await requestProduction();
    expect(issued).toBeUndefined();
    expect(request).toMatchObject({
      status: 'pending',
      planName: 'production',
      consumerRef: PAUL_APP,
      requester: PAUL,
    });
    expect(f.notices).toEqual([`requestCreated ${request.id}`]);

    const approved = await f.access.requests.decide(
      request,
      MODEL,
      { decision: 'approve', keyLifetimeDays: 90 },
      { actor: FRANK },
    );
    expect(approved).toMatchObject({
      status: 'approved',
      decidedBy: FRANK,
      keyLifetimeDays: 90,
    });
    expect(f.notices).toContain(`requestDecided ${request.id} approved`);

    await expect(
      f.access.requests.issue(request.id, MODEL, { actor: GRACE }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    const { issued: key } = await f.access.requests.issue(request.id, MODEL, {
      actor: PAUL,
    });
    expect(key.secret).toMatch(/^mpk_/);
    expect(key.key.rateLimits).toEqual({ requestsPerMinute: 600 });
    const days = (Date.parse(key.key.expiresAt!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
    expect(
      Object.keys(
        f.secrets.secrets.get(
          `${SECRET.cluster}/${SECRET.namespace}/${SECRET.name}`,
        )!.data!,
      ),
    ).toEqual([key.key.clientId]);
    await expect(
      f.access.requests.issue(request.id, MODEL, { actor: PAUL }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('already issued and shown once'),
    });

    const mine = await f.access.consumerKeys.mine(PAUL);
    expect(mine.keys).toEqual([
      expect.objectContaining({
        consumerRef: PAUL_APP,
        planName: 'production',
        suspended: false,
        key: expect.objectContaining({ id: key.key.id }),
      }),
    ]);
    expect((await f.access.consumerKeys.mine(GRACE)).keys).toEqual([]);
    expect(
      (await f.access.consumerKeys.consumersOf('pub-1')).map(
        c => c.consumerRef,
      ),
    ).toEqual([PAUL_APP]);
    expect(await dumpAllTables(db)).not.toContain(key.secret);
  });

  it('an approver may choose another plan; the lifetime never exceeds the plan maximum', async () => {
    const { request } = await requestProduction();
    const approved = await f.access.requests.decide(
      request,
      MODEL,
      { decision: 'approve', plan: 'trial', keyLifetimeDays: 400 },
      { actor: FRANK },
    );
    expect(approved).toMatchObject({ planName: 'trial', keyLifetimeDays: 30 });
  });

  it('automatic plan: the key is issued in the request call', async () => {
    const { request, issued } = await f.access.requests.request(
      publication,
      MODEL,
      { plan: 'trial', purpose: PURPOSE, consumer: PAUL },
      { actor: PAUL },
    );
    expect(request).toMatchObject({
      status: 'issued',
      decidedBy: 'system:automatic-approval',
      keyId: issued!.key.id,
    });
    expect(issued!.key.rateLimits).toEqual({ requestsPerDay: 100 });
  });

  it('automatic plan with collectLater: approved, no key until the requester collects it', async () => {
    const { request, issued } = await f.access.requests.request(
      publication,
      MODEL,
      { plan: 'trial', purpose: PURPOSE, consumer: PAUL, collectLater: true },
      { actor: PAUL },
    );
    expect(issued).toBeUndefined();
    expect(request.status).toBe('approved');
    expect(Number((await db('api_keys').count({ n: '*' }))[0].n)).toBe(0);
    expect(
      (await f.access.requests.issue(request.id, MODEL, { actor: PAUL })).issued
        .secret,
    ).toMatch(/^mpk_/);
  });

  it('20 concurrent approvals of one request: exactly one wins; 20 concurrent collections: exactly one key', async () => {
    const { request } = await requestProduction();
    const approvals = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        f.access.requests.decide(
          request,
          MODEL,
          { decision: 'approve' },
          { actor: FRANK },
        ),
      ),
    );
    expect(approvals.filter(a => a.status === 'fulfilled')).toHaveLength(1);
    expect(
      approvals
        .filter(a => a.status === 'rejected')
        .map(a => (a as PromiseRejectedResult).reason.name),
    ).toEqual(Array(19).fill('ConflictError'));
    const collections = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        f.access.requests.issue(request.id, MODEL, { actor: PAUL }),
      ),
    );
    expect(collections.filter(c => c.status === 'fulfilled')).toHaveLength(1);
    const keys = await db('api_keys').where({ request_id: request.id });
    expect(keys).toHaveLength(1);
    expect(Number((await db('api_keys').count({ n: '*' }))[0].n)).toBe(1);
    expect(
      Object.keys(
        f.secrets.secrets.get(
          `${SECRET.cluster}/${SECRET.namespace}/${SECRET.name}`,
        )!.data!,
      ),
    ).toHaveLength(1);
  });

  it('approve and deny racing: one outcome, the loser gets a 409', async () => {
    for (let i = 0; i < 5; i++) {
      const { request } = await requestProduction();
      const results = await Promise.allSettled([
        f.access.requests.decide(
          request,
          MODEL,
          { decision: 'approve' },
          { actor: FRANK },
        ),
        f.access.requests.decide(
          request,
          MODEL,
          { decision: 'deny', reason: 'no budget' },
          { actor: 'user:default/alice' },
        ),
      ]);
      const won = results.filter(
        r => r.status === 'fulfilled',
      ) as PromiseFulfilledResult<{ status: string }>[];
      expect(won).toHaveLength(1);
      const stored = await f.access.requests.getRequest(request.id);
      expect(stored.status).toBe(won[0].value.status);
      expect(
        stored.status === 'denied' ? stored.reason : stored.decidedBy,
      ).toBe(stored.status === 'denied' ? 'no budget' : FRANK);
    }
  });
});
