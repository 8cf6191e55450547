import express from 'express';
import request from 'supertest';
import type { Knex } from 'knex';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ANNOTATION_CLUSTER,
  ANNOTATION_INFERENCE_SERVICE,
} from '@model-publishing/plugin-model-publishing-common';
import { providerLocation } from '../__testUtils__/providerLocation';
import { AuditLog } from '../audit/AuditLog';
import {
  createKeyTestDb,
  dumpAllTables,
  keyTestDatabases,
} from '../keys/__testUtils__/db';
import { captureAuditor, captureLogger } from '../keys/__testUtils__/fakes';
import { createOpenApiRouter } from '../schema/openapi.generated';
import {
  accessFixture,
  FRANK,
  GRACE,
  MODEL_REF,
  orgEntities,
  PAUL,
  PAUL_APP,
  type AccessFixture,
} from '../access/__testUtils__/fixture';
import { RouteContext } from './context';
import { registerAccessRoutes } from './access';
import { createUsageModule, type UsageModule } from '../usage';
import type { RouterDeps } from './types';

const ALICE = 'user:default/alice';
const MODEL = '/models/default/ml/fraud-sklearn/publication';
const ENTITY_MODEL = '/entities/component/default/fraud-sklearn/publication';

/** The portal policy's decisions (packages/backend permissionPolicy), per user: admins all, owners theirs. */
const CLAIMS: Record<string, string[]> = {
  [ALICE]: [ALICE, 'group:default/admins'],
  [FRANK]: [FRANK, 'group:default/fraud-detection'],
  [PAUL]: [PAUL, 'group:default/platform'],
  [GRACE]: [GRACE, 'group:default/genai'],
};
const EVERYONE = [
  'model-publishing.publication.read',
  'model-publishing.access.request',
];

const personas = {
  owner: `Bearer ${mockCredentials.user.token(FRANK)}`,
  requester: `Bearer ${mockCredentials.user.token(PAUL)}`,
  other: `Bearer ${mockCredentials.user.token(GRACE)}`,
  admin: `Bearer ${mockCredentials.user.token(ALICE)}`,
  service: mockCredentials.service.header(),
} as const;
type Persona = keyof typeof personas | 'none';

describe.each(keyTestDatabases())('access routes × personas (%s)', kind => {
  let db: Knex;
  let close: () => Promise<void>;
  let app: express.Express;
  let f: AccessFixture;
  let usage: UsageModule;

  beforeEach(async () => {
    ({ db, close } = await createKeyTestDb(kind));
    f = await accessFixture(db);
    const logger = captureLogger();
    const auditLog = new AuditLog(db, captureAuditor());
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async (requests, options) => {
      const principal = options?.credentials.principal as {
        type: string;
        userEntityRef?: string;
      };
      const claims =
        principal.type === 'user' ? CLAIMS[principal.userEntityRef!] ?? [] : [];
      return requests.map(r => {
        const allow =
          r.permission.name === 'model-publishing.publication.read' ||
          claims.includes('group:default/admins') ||
          (claims.length > 0 && EVERYONE.includes(r.permission.name)) ||
          ((r as { resourceRef?: string }).resourceRef === MODEL_REF &&
            claims.includes('group:default/fraud-detection'));
        return { result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
      }) as any;
    });
    const model = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'fraud-sklearn',
        namespace: 'default',
        annotations: {
          [ANNOTATION_INFERENCE_SERVICE]: 'ml/fraud-sklearn',
          [ANNOTATION_CLUSTER]: 'default',
          ...providerLocation('default'),
        },
      },
      spec: {
        type: 'model',
        owner: 'group:default/fraud-detection',
        lifecycle: 'production',
      },
    };
    const ctx = new RouteContext({
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.none(),
      }),
      auth: mockServices.auth(),
      permissions,
      catalog: catalogServiceMock({ entities: [model, ...orgEntities()] }),
      auditLog,
      logger,
      resolveClusterName: name => (name === 'default' ? 'default' : undefined),
      defaultCluster: 'default',
      serviceSubjects: { readers: ['plugin:catalog'], ingest: [] },
    });
    const router = createOpenApiRouter();
    usage = createUsageModule({
      db,
      auditLog,
      rootConfig: mockServices.rootConfig(),
      logger,
      publications: f.publications,
      rateLimitMode: 'global',
    });
    registerAccessRoutes(router, {
      ctx,
      auth: mockServices.auth(),
      auditLog,
      publications: f.publications,
      access: f.access,
      usage,
    } as unknown as RouterDeps);
    app = express();
    app.use(router);
    app.use(
      MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger,
      }).error(),
    );
  });
  afterEach(async () => close());

  const call = (
    persona: Persona,
    method: 'get' | 'post' | 'delete',
    path: string,
    body?: object,
  ) => {
    const r = request(app)[method](path);
    if (persona !== 'none') r.set('Authorization', personas[persona]);
    return body ? r.send(body) : r;
  };
  const ask = (persona: Persona, consumer = PAUL_APP) =>
    call(persona, 'post', `${MODEL}/access-requests`, {
      plan: 'production',
      purpose: 'Scores card payments at checkout',
      consumer,
    });
  const statuses = async (
    paths: Record<Persona, () => Promise<request.Response>>,
  ) =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(paths).map(async ([p, fn]) => [p, (await fn()).status]),
      ),
    );
  const each = (fn: (p: Persona) => Promise<request.Response>) =>
    statuses({
      owner: () => fn('owner'),
      requester: () => fn('requester'),
      other: () => fn('other'),
      admin: () => fn('admin'),
      service: () => fn('service'),
      none: () => fn('none'),
    });

  it('plans: whoever may read the publication; a service not listed as a reader 403 (router/serviceAccess.ts); no token 401; both address forms', async () => {
    expect(await each(p => call(p, 'get', `${MODEL}/plans`))).toEqual({
      owner: 200,
      requester: 200,
      other: 200,
      admin: 200,
      service: 403,
      none: 401,
    });
    const plans = await call('other', 'get', `${ENTITY_MODEL}/plans`);
    expect(plans.body.items.map((p: { name: string }) => p.name)).toEqual([
      'default',
      'trial',
      'production',
    ]);
  });

  it('request: only for a consumer the caller may act for; services and anonymous callers never; bad input 400 naming the field', async () => {
    expect(await each(p => ask(p))).toEqual({
      owner: 403,
      requester: 201,
      other: 403,
      admin: 403,
      service: 403,
      none: 401,
    });
    const bad = await call('requester', 'post', `${MODEL}/access-requests`, {
      plan: 'production',
      purpose: 'short',
      consumer: PAUL_APP,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/purpose/);
    const unknownField = await call(
      'requester',
      'post',
      `${MODEL}/access-requests`,
      {
        plan: 'production',
        purpose: 'Scores card payments at checkout',
        consumer: PAUL_APP,
        owner: 'me',
      },
    );
    expect(unknownField.status).toBe(400);
    expect(Number((await db('access_requests').count({ n: '*' }))[0].n)).toBe(
      1,
    );
  });

  it("owners' lists (requests, consumers, pending across models): owner and admin only; others see nothing", async () => {
    const { body } = await ask('requester');
    expect(await each(p => call(p, 'get', `${MODEL}/access-requests`))).toEqual(
      {
        owner: 200,
        requester: 403,
        other: 403,
        admin: 200,
        service: 403,
        none: 401,
      },
    );
    expect(await each(p => call(p, 'get', `${MODEL}/consumers`))).toEqual({
      owner: 200,
      requester: 403,
      other: 403,
      admin: 200,
      service: 403,
      none: 401,
    });
    const pending = async (p: Persona) =>
      (await call(p, 'get', '/access/requests')).body.items?.map(
        (r: { id: string }) => r.id,
      );
    expect(await pending('owner')).toEqual([body.request.id]);
    expect(await pending('admin')).toEqual([body.request.id]);
    expect(await pending('requester')).toEqual([]);
    expect(await pending('other')).toEqual([]);
    expect((await call('none', 'get', '/access/requests')).status).toBe(401);
    const denied = await db('audit_log')
      .where({ outcome: 'denied' })
      .select('actor', 'action');
    expect(denied).toEqual(
      expect.arrayContaining([
        { actor: PAUL, action: 'access.approve' },
        { actor: GRACE, action: 'access.approve' },
      ]),
    );
  });

  it('decision: owner or admin only, once; collection: the requester only, once; the key never shows again', async () => {
    const { body } = await ask('requester');
    const decide = (p: Persona) =>
      call(p, 'post', `/access/requests/${body.request.id}/decision`, {
        decision: 'approve',
      });
    expect(
      await statuses({
        requester: () => decide('requester'),
        other: () => decide('other'),
        service: () => decide('service'),
        none: () => decide('none'),
      } as never),
    ).toEqual({
      requester: 403,
      other: 403,
      service: 403,
      none: 401,
    });
    expect(
      (
        await call(
          'owner',
          'post',
          `/access/requests/${body.request.id}/decision`,
          { decision: 'deny' },
        )
      ).status,
    ).toBe(400);
    expect((await decide('owner')).status).toBe(200);
    expect((await decide('admin')).status).toBe(409);

    const collect = (p: Persona) =>
      call(p, 'post', `/access/requests/${body.request.id}/key`);
    expect(
      await statuses({
        owner: () => collect('owner'),
        other: () => collect('other'),
        admin: () => collect('admin'),
        service: () => collect('service'),
        none: () => collect('none'),
      } as never),
    ).toEqual({
      owner: 403,
      other: 403,
      admin: 403,
      service: 403,
      none: 401,
    });
    const issued = await collect('requester');
    expect(issued.status).toBe(201);
    expect(issued.headers['cache-control']).toBe('no-store');
    const secret: string = issued.body.issued.secret;
    expect(secret).toMatch(/^mpk_/);
    expect((await collect('requester')).status).toBe(409);

    // Paul sees it on his pages; frank among the consumers; grace nowhere.
    const mine = await call('requester', 'get', '/access/mine');
    expect(
      mine.body.keys.map((k: { consumerRef: string; planName: string }) => [
        k.consumerRef,
        k.planName,
      ]),
    ).toEqual([[PAUL_APP, 'production']]);
    expect(
      (await call('requester', 'get', `${MODEL}/my-access`)).body.keys,
    ).toHaveLength(1);
    expect((await call('other', 'get', '/access/mine')).body).toEqual({
      keys: [],
      requests: [],
    });
    expect((await call('other', 'get', `${MODEL}/my-access`)).body).toEqual({
      keys: [],
      requests: [],
    });
    expect((await call('none', 'get', '/access/mine')).status).toBe(401);
    expect((await call('service', 'get', '/access/mine')).status).toBe(403);
    // Consumer entity refs for the catalog: users, and the catalog module (a service listed in
    // modelPublishing.serviceReaders, default plugin:catalog); any other service 403, no token never.
    const consumerRefs = {
      items: [{ publicationId: 'pub-1', consumerRefs: [PAUL_APP] }],
    };
    expect((await call('other', 'get', '/access/consumers')).body).toEqual(
      consumerRefs,
    );
    const asCatalog = await request(app)
      .get('/access/consumers')
      .set(
        'Authorization',
        mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('plugin:catalog'),
          targetPluginId: 'test',
        }),
      );
    expect(asCatalog.body).toEqual(consumerRefs);
    expect((await call('service', 'get', '/access/consumers')).status).toBe(
      403,
    );
    expect((await call('none', 'get', '/access/consumers')).status).toBe(401);
    const consumers = await call('owner', 'get', `${MODEL}/consumers`);
    expect(
      consumers.body.items.map((k: { consumerRef: string }) => k.consumerRef),
    ).toEqual([PAUL_APP]);

    const keyId = issued.body.issued.key.id;
    const manage = (p: Persona, action: string) =>
      call(p, 'post', `${MODEL}/consumers/${keyId}/${action}`);
    expect(
      await statuses({
        requester: () => manage('requester', 'suspend'),
        other: () => manage('other', 'suspend'),
        service: () => manage('service', 'revoke'),
        none: () => manage('none', 'revoke'),
      } as never),
    ).toEqual({
      requester: 403,
      other: 403,
      service: 403,
      none: 401,
    });
    expect((await manage('owner', 'suspend')).body.suspended).toBe(true);
    expect((await manage('admin', 'resume')).body.suspended).toBe(false);
    expect((await manage('owner', 'revoke')).body.key.status).toBe('revoked');
    expect((await manage('owner', 'pause')).status).toBe(400);

    // The raw key was in one response body only, and nowhere in the database.
    expect(await dumpAllTables(db)).not.toContain(secret);
  });

  it("holder's own key: the consumer rotates, revokes and reads its own usage; nobody else (owner, admin, other) may, each denial audited", async () => {
    // Paul's key for his Component, issued at once on the automatic plan; Grace's for herself.
    const trial = (persona: Persona, consumer: string) =>
      call(persona, 'post', `${MODEL}/access-requests`, {
        plan: 'trial',
        purpose: 'Scores card payments at checkout',
        consumer,
      });
    const paul = await trial('requester', PAUL_APP);
    const grace = await trial('other', GRACE);
    expect([paul.status, grace.status]).toEqual([201, 201]);
    const keyId: string = paul.body.issued.key.id;
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const traffic = (clientId: string, requests: number) => ({
      publicationId: 'pub-1',
      clientId,
      hour,
      requests,
      status401: 0,
      status403: 0,
      status429: 0,
      status5xx: 0,
      inputTokens: 0,
      outputTokens: 0,
    });
    await usage.service.recordPulled(
      'test',
      [
        traffic(paul.body.issued.key.clientId, 7),
        traffic(grace.body.issued.key.clientId, 500),
      ],
      new Date(),
    );

    const own = (p: Persona, what: 'usage' | 'rotate' | 'revoke') => {
      if (what === 'usage')
        return call(p, 'get', `/access/keys/${keyId}/usage`);
      if (what === 'rotate')
        return call(p, 'post', `/access/keys/${keyId}/rotate`, {
          gracePeriodHours: 0,
        });
      return call(p, 'delete', `/access/keys/${keyId}`);
    };
    const notHolders = (what: 'usage' | 'rotate' | 'revoke') =>
      statuses({
        owner: () => own('owner', what),
        other: () => own('other', what),
        admin: () => own('admin', what),
        service: () => own('service', what),
        none: () => own('none', what),
      } as never);
    const refused = {
      owner: 403,
      other: 403,
      admin: 403,
      service: 403,
      none: 401,
    };
    for (const what of ['usage', 'rotate', 'revoke'] as const)
      expect(await notHolders(what)).toEqual(refused);
    const denied = await db('audit_log')
      .where({ outcome: 'denied', key_id: keyId })
      .select('actor', 'action');
    expect(denied).toEqual(
      expect.arrayContaining([
        { actor: FRANK, action: 'usage.read' },
        { actor: GRACE, action: 'key.rotate' },
        { actor: ALICE, action: 'key.revoke' },
      ]),
    );
    expect(
      (await call('requester', 'get', '/access/keys/nope/usage')).status,
    ).toBe(404);

    // Paul's usage is his key's only: 7 requests, not Grace's 500.
    const report = await own('requester', 'usage');
    expect(report.status).toBe(200);
    expect(report.body.totals.requests).toBe(7);
    expect(report.body.keys.map((k: { keyId: string }) => k.keyId)).toEqual([
      keyId,
    ]);
    expect(JSON.stringify(report.body)).not.toContain(grace.body.issued.key.id);
    const badRange = await call(
      'requester',
      'get',
      `/access/keys/${keyId}/usage?from=yesterday`,
    );
    expect(badRange.status).toBe(400);
    expect(badRange.body.error.message).toMatch(/from/);

    // Rotation keeps the key his Component's, on its plan; the new key is shown in this response only.
    const rotated = await own('requester', 'rotate');
    expect(rotated.status).toBe(201);
    expect(rotated.headers['cache-control']).toBe('no-store');
    const newId: string = rotated.body.key.id;
    const mine = await call('requester', 'get', '/access/mine');
    expect(
      mine.body.keys.map(
        (k: {
          key: { id: string; status: string };
          consumerRef: string;
          planName: string;
        }) => [k.key.id, k.key.status, k.consumerRef, k.planName],
      ),
    ).toEqual(
      expect.arrayContaining([
        [newId, 'active', PAUL_APP, 'trial'],
        [keyId, 'revoked', PAUL_APP, 'trial'],
      ]),
    );
    expect((await own('requester', 'rotate')).status).toBe(409);

    const revoked = await call('requester', 'delete', `/access/keys/${newId}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.key.status).toBe('revoked');
    expect(await dumpAllTables(db)).not.toContain(rotated.body.secret);
  });

  it('a suspended key cannot be rotated out of its suspension by its holder', async () => {
    const { body } = await call(
      'requester',
      'post',
      `${MODEL}/access-requests`,
      {
        plan: 'trial',
        purpose: 'Scores card payments at checkout',
        consumer: PAUL,
      },
    );
    const keyId: string = body.issued.key.id;
    expect(
      (await call('owner', 'post', `${MODEL}/consumers/${keyId}/suspend`))
        .status,
    ).toBe(200);
    const rotate = await call(
      'requester',
      'post',
      `/access/keys/${keyId}/rotate`,
      {},
    );
    expect(rotate.status).toBe(409);
    expect(rotate.body.error.message).toMatch(/suspended/);
  });
});
