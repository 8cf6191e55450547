import type { Knex } from 'knex';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import { AccessStore } from '../access/AccessStore';
import {
  accessFixture,
  FRANK,
  MODEL_REF,
  PAUL,
  PAUL_APP,
  type AccessFixture,
} from '../access/__testUtils__/fixture';
import { AuditLog } from '../audit/AuditLog';
import { createKeyTestDb, keyTestDatabases } from '../keys/__testUtils__/db';
import { captureAuditor, captureLogger } from '../keys/__testUtils__/fakes';
import {
  createDeprecations,
  type DeprecationNotice,
  type DeprecationService,
} from '.';

jest.setTimeout(60_000);

const DAY = 24 * 3600 * 1000;
const MODEL = {
  entityRef: MODEL_REF,
  owner: 'group:default/fraud-detection',
  title: 'fraud-sklearn',
};
const PURPOSE = 'Scores card payments in the checkout service';

describe.each(keyTestDatabases())('DeprecationService (%s)', kind => {
  let db: Knex;
  let close: () => Promise<void>;
  let f: AccessFixture;
  let deprecations: DeprecationService;
  let notices: DeprecationNotice[];
  let unpublished: string[];
  let reapplied: string[];
  let clock: Date;
  let publication: Publication;

  beforeEach(async () => {
    ({ db, close } = await createKeyTestDb(kind));
    notices = [];
    unpublished = [];
    reapplied = [];
    clock = new Date('2026-12-05T10:00:00Z');
    // The access service asks the deprecations, as services.ts wires them.
    f = await accessFixture(db, undefined, {
      refuseNewAccess: id => deprecations.refusal(id),
    });
    publication = (await f.publications.get('pub-1'))!;
    deprecations = createDeprecations({
      db,
      publications: f.publications,
      keys: f.keys,
      consumerKeys: id =>
        new AccessStore(db).consumerKeys({ publicationId: id }),
      recipientsOf: async ref => (ref === PAUL_APP ? [PAUL] : [ref]),
      reapply: async id => void reapplied.push(id),
      unpublish: async p => {
        unpublished.push(p.id);
        await f.publications.update(p.id, { status: 'unpublished' });
      },
      auditLog: new AuditLog(db, captureAuditor()),
      logger: captureLogger(),
      notifier: { notify: async n => void notices.push(n) },
      now: () => clock,
    });
  });
  afterEach(async () => close());

  const subscribe = () =>
    f.access.requests.request(
      publication,
      MODEL,
      { plan: 'trial', purpose: PURPOSE, consumer: PAUL_APP },
      { actor: PAUL },
    );

  it('deprecating re-applies the route, tells consumers with live keys at once, and refuses new access with a pointer to the successor', async () => {
    const { issued } = await subscribe();
    expect(issued).toBeDefined();
    const view = await deprecations.deprecate(
      publication,
      {
        sunsetAt: new Date(clock.getTime() + 30 * DAY).toISOString(),
        successor: 'component:default/fraud-sklearn-v2',
        successorUrl: 'https://models.example.com/models/ml/fraud-sklearn-v2',
        atSunset: 'unpublish',
      },
      { actor: FRANK },
    );
    expect(reapplied).toEqual(['pub-1']);
    expect(view.headers).toEqual([
      { name: 'Deprecation', value: `@${Math.floor(clock.getTime() / 1000)}` },
      { name: 'Sunset', value: 'Mon, 04 Jan 2027 10:00:00 GMT' },
      {
        name: 'Link',
        value:
          '<https://models.example.com/models/ml/fraud-sklearn-v2>; rel="successor-version"',
      },
    ]);
    expect(notices).toEqual([
      expect.objectContaining({
        kind: 'deprecated',
        recipients: [PAUL],
        successor: 'component:default/fraud-sklearn-v2',
      }),
    ]);
    await expect(subscribe()).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /deprecated .*request access to component:default\/fraud-sklearn-v2/,
      ),
    });
    // Changing the deprecation does not tell them again.
    await deprecations.deprecate(
      publication,
      { sunsetAt: new Date(clock.getTime() + 20 * DAY).toISOString() },
      { actor: FRANK },
    );
    expect(notices).toHaveLength(1);
    // Who still calls: the consumer and its key.
    expect(await deprecations.consumers('pub-1')).toEqual([
      { consumerRef: PAUL_APP, keyIds: [issued!.key.id] },
    ]);
  });

  it('with a fake clock: one reminder 7 days before, then the sunset unpublishes once (scheduled run)', async () => {
    await subscribe();
    const sunsetAt = new Date(clock.getTime() + 10 * DAY);
    await deprecations.deprecate(
      publication,
      { sunsetAt: sunsetAt.toISOString() },
      { actor: FRANK },
    );
    expect(await deprecations.run()).toEqual({ reminded: [], sunset: [] });
    clock = new Date(sunsetAt.getTime() - 7 * DAY + 1000);
    expect(await deprecations.run()).toEqual({
      reminded: ['pub-1'],
      sunset: [],
    });
    expect(await deprecations.run()).toEqual({ reminded: [], sunset: [] });
    expect(notices.map(n => n.kind)).toEqual(['deprecated', 'reminder']);
    clock = new Date(sunsetAt.getTime() + 1000);
    expect(await deprecations.run()).toEqual({
      reminded: [],
      sunset: ['pub-1'],
    });
    expect(await deprecations.run()).toEqual({ reminded: [], sunset: [] });
    expect(unpublished).toEqual(['pub-1']);
    expect((await f.publications.get('pub-1'))!.status).toBe('unpublished');
    expect(
      await db('audit_log').where({
        action: 'publication.sunset',
        outcome: 'succeeded',
      }),
    ).toHaveLength(1);
  });

  it('stop-new-keys: at the sunset the model keeps serving but issues no keys, not even to its owners', async () => {
    const sunsetAt = new Date(clock.getTime() + 2 * DAY);
    await deprecations.deprecate(
      publication,
      { sunsetAt: sunsetAt.toISOString(), atSunset: 'stop-new-keys' },
      { actor: FRANK },
    );
    expect(await deprecations.keysStopped('pub-1')).toBeUndefined();
    clock = new Date(sunsetAt.getTime() + 1);
    expect((await deprecations.run()).sunset).toEqual(['pub-1']);
    expect(unpublished).toEqual([]);
    expect(await deprecations.keysStopped('pub-1')).toMatch(/no new keys/);
  });

  it('refuses a sunset in the past, naming the field; withdrawing lifts the refusal and re-applies', async () => {
    await expect(
      deprecations.deprecate(
        publication,
        { sunsetAt: new Date(clock.getTime() - 1000).toISOString() },
        { actor: FRANK },
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: 'sunsetAt: must be in the future',
    });
    await deprecations.deprecate(
      publication,
      { sunsetAt: new Date(clock.getTime() + DAY).toISOString() },
      { actor: FRANK },
    );
    await deprecations.undeprecate(publication, { actor: FRANK });
    expect(await deprecations.refusal('pub-1')).toBeUndefined();
    expect(reapplied).toEqual(['pub-1', 'pub-1']);
    await expect(subscribe()).resolves.toMatchObject({
      issued: expect.anything(),
    });
  });
});
