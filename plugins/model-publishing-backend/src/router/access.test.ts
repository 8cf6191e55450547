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
    registerAccessRoutes(router, {
      ctx,
      auth: mockServices.auth(),
      publications: f.publications,
      access: f.access,
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
    method: 'get' | 'post',
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
});
