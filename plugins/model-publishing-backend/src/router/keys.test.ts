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
import { PublicationStore } from '../database/PublicationStore';
import { ApiKeyService } from '../keys/ApiKeyService';
import { ApiKeyStore } from '../keys/ApiKeyStore';
import { createKeyTestDb, dumpAllTables } from '../keys/__testUtils__/db';
import {
  FakeSecretClient,
  captureAuditor,
  captureLogger,
} from '../keys/__testUtils__/fakes';
import { createOpenApiRouter } from '../schema/openapi.generated';
import { RouteContext } from './context';
import { registerKeyRoutes } from './keys';
import type { RouterDeps } from './types';

const BASE = '/models/default/ml/fraud/publication/keys';
const ENTITY_BASE = '/entities/component/ml/fraud/publication/keys';
const TARGET = { cluster: 'dev', namespace: 'ml', name: 'fraud-mp-keys' };

describe('key routes', () => {
  let db: Knex;
  let close: () => Promise<void>;
  let app: express.Express;
  let allowed: Set<string>;
  let secrets: FakeSecretClient;
  let logger: ReturnType<typeof captureLogger>;
  let auditor: ReturnType<typeof captureAuditor>;
  let publications: PublicationStore;

  beforeEach(async () => {
    ({ db, close } = await createKeyTestDb('sqlite'));
    publications = new PublicationStore(db);
    await publications.insertPublishing({
      id: 'pub-1',
      cluster: 'dev',
      namespace: 'ml',
      name: 'fraud',
      entityRef: 'component:ml/fraud',
      modelKind: 'v2',
      config: { rateLimits: { requestsPerMinute: 60 } },
      objects: [],
      endpoints: [],
      createdBy: 'user:default/alice',
    });
    await publications.update('pub-1', { status: 'published' });
    secrets = new FakeSecretClient();
    secrets.seed(TARGET);
    logger = captureLogger();
    auditor = captureAuditor();
    allowed = new Set([
      'model-publishing.usage.read',
      'model-publishing.key.create',
      'model-publishing.key.rotate',
      'model-publishing.key.revoke',
    ]);

    const auditLog = new AuditLog(db, auditor);
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(
      async requests =>
        requests.map(r => ({
          result: allowed.has(r.permission.name)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        })) as any,
    );
    const ctx = new RouteContext({
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.none(),
      }),
      auth: mockServices.auth(),
      permissions,
      catalog: catalogServiceMock({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'fraud',
              namespace: 'ml',
              annotations: {
                [ANNOTATION_INFERENCE_SERVICE]: 'ml/fraud',
                [ANNOTATION_CLUSTER]: 'dev',
                ...providerLocation('dev'),
              },
            },
            spec: {
              type: 'inference-service',
              owner: 'group:default/ml',
              lifecycle: 'production',
            },
          },
        ],
      }),
      auditLog,
      logger,
      resolveClusterName: name =>
        name === 'default' || name === 'dev' ? 'dev' : undefined,
      defaultCluster: 'dev',
      serviceSubjects: {
        readers: ['plugin:catalog'],
        ingest: ['external:log-shipper'],
      },
    });
    const keys = new ApiKeyService({
      store: new ApiKeyStore(db),
      publications,
      secrets,
      auditor: auditLog,
      logger,
      rateLimitMode: 'global',
      rotationGraceHours: 24,
      secretWrite: { maxBackoffMs: 2 },
    });
    const router = createOpenApiRouter();
    registerKeyRoutes(router, {
      ctx,
      publications,
      keys,
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

  afterEach(async () => {
    await close();
  });

  const user = `Bearer ${mockCredentials.user.token('user:default/alice')}`;

  it('issues a key exactly once: only the create response carries it', async () => {
    const bodies: string[] = [];
    const created = await request(app)
      .post(BASE)
      .set('Authorization', user)
      .send({ name: 'frontend' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^mpk_[0-9A-Za-z]{38}$/);
    bodies.push(created.text);
    const keyId = created.body.key.id;

    const listed = await request(app).get(BASE).set('Authorization', user);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        id: keyId,
        prefix: secret.slice(0, 8),
        status: 'active',
      }),
    ]);
    bodies.push(listed.text);
    bodies.push(
      (await request(app).get(ENTITY_BASE).set('Authorization', user)).text,
    );
    bodies.push(
      (
        await request(app)
          .post(BASE)
          .set('Authorization', user)
          .send({ name: 'frontend' })
      ).text,
    ); // 409
    const rotated = await request(app)
      .post(`${BASE}/${keyId}/rotate`)
      .set('Authorization', user)
      .send({ gracePeriodHours: 1 });
    expect(rotated.status).toBe(201);
    expect(rotated.body.previous).toMatchObject({ id: keyId, status: 'grace' });
    bodies.push(rotated.text);
    bodies.push(
      (
        await request(app)
          .post(`${BASE}/${keyId}/rotate`)
          .set('Authorization', user)
          .send({})
      ).text,
    ); // 409
    const revoked = await request(app)
      .delete(`${BASE}/${keyId}`)
      .set('Authorization', user);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: keyId, status: 'revoked' });
    bodies.push(revoked.text);
    bodies.push((await request(app).get(BASE).set('Authorization', user)).text);

    expect(bodies.filter(b => b.includes(secret))).toEqual([created.text]);
    const newSecret: string = rotated.body.secret;
    expect(bodies.filter(b => b.includes(newSecret))).toEqual([rotated.text]);
    const everything = [
      logger.lines.join('\n'),
      auditor.events.join('\n'),
      await dumpAllTables(db),
    ].join('\n');
    for (const s of [secret, newSecret]) {
      expect(
        everything.includes(s) ||
          everything.includes(Buffer.from(s).toString('base64')),
      ).toBe(false);
    }
    expect(secrets.keys(TARGET)).toEqual({
      [rotated.body.key.clientId]: newSecret,
    });
  });

  describe.each([
    ['GET', BASE, 'model-publishing.usage.read', undefined],
    ['POST', BASE, 'model-publishing.key.create', { name: 'x' }],
    ['POST', `${BASE}/k1/rotate`, 'model-publishing.key.rotate', {}],
    ['DELETE', `${BASE}/k1`, 'model-publishing.key.revoke', undefined],
    [
      'PATCH',
      `${BASE}/k1`,
      'model-publishing.key.create',
      { description: 'x' },
    ],
  ] as const)('%s %s', (method, path, permission, body) => {
    const send = (
      auth?: string,
      payload: object | undefined = body,
      url: string = path,
    ) => {
      let r =
        request(app)[
          method.toLowerCase() as 'get' | 'post' | 'delete' | 'patch'
        ](url);
      if (auth) r = r.set('Authorization', auth);
      return payload ? r.send(payload) : r;
    };

    it('401 without credentials', async () => {
      const res = await send();
      expect(res.status).toBe(401);
      expect(res.body.error.name).toBe('AuthenticationError');
    });

    it(`403 without ${permission}, audited as denied, changing nothing`, async () => {
      allowed.delete(permission);
      const before = await dumpAllTables(db);
      const res = await send(user);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain(permission);
      const denied = await db('audit_log').where({ outcome: 'denied' });
      expect(denied).toHaveLength(1);
      expect(JSON.parse(before).api_keys).toEqual(await db('api_keys'));
      expect(secrets.writes).toBe(0);
    });

    it('404 for a model without a catalog entity or without a publication', async () => {
      const other = path.replace('/ml/fraud/', '/ml/other/');
      expect((await send(user, body, other)).status).toBe(404);
      await publications.update('pub-1', { status: 'unpublished' });
      await db('publications').update({ cluster: 'elsewhere' });
      const res = await send(user);
      expect(res.status).toBe(404);
      expect(res.body.error.name).toBe('NotFoundError');
    });
  });

  it('400 naming the field for bad create and rotate bodies, changing nothing', async () => {
    const bad = [
      [BASE, { name: '' }, /name/],
      [BASE, { name: 'ok', expiresAt: 'tomorrow' }, /expiresAt/],
      [
        BASE,
        { name: 'ok', rateLimits: { requestsPerMinute: -1 } },
        /requestsPerMinute/,
      ],
      [BASE, { name: 'ok', extra: true }, /extra/],
      [`${BASE}/k1/rotate`, { gracePeriodHours: 1, later: true }, /later/],
      [BASE, { name: '-bad name' }, /name/],
      [`${BASE}/k1/rotate`, { gracePeriodHours: -1 }, /gracePeriodHours/],
      [`${BASE}/k1/rotate`, { gracePeriodHours: 'soon' }, /gracePeriodHours/],
    ] as const;
    for (const [url, payload, field] of bad) {
      const res = await request(app)
        .post(url)
        .set('Authorization', user)
        .send(payload);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(field);
    }
    expect(await db('api_keys')).toEqual([]);
    expect(secrets.writes).toBe(0);
  });

  it('404 for an unknown key id; 409 for rotating a revoked key', async () => {
    expect(
      (await request(app).delete(`${BASE}/nope`).set('Authorization', user))
        .status,
    ).toBe(404);
    expect(
      (
        await request(app)
          .post(`${BASE}/nope/rotate`)
          .set('Authorization', user)
          .send({})
      ).status,
    ).toBe(404);
    const created = await request(app)
      .post(BASE)
      .set('Authorization', user)
      .send({ name: 'a' });
    await request(app)
      .delete(`${BASE}/${created.body.key.id}`)
      .set('Authorization', user);
    const res = await request(app)
      .post(`${BASE}/${created.body.key.id}/rotate`)
      .set('Authorization', user)
      .send({});
    expect(res.status).toBe(409);
  });

  it("changes a key's description and its own limits (audited), refuses what the route cannot enforce, and leaves a revoked key alone", async () => {
    const created = await request(app)
      .post(BASE)
      .set('Authorization', user)
      .send({ name: 'batch', description: 'nightly scoring job' });
    expect(created.status).toBe(201);
    expect(created.body.key.description).toBe('nightly scoring job');
    const keyId = created.body.key.id;
    const writesBefore = secrets.writes;

    const changed = await request(app)
      .patch(`${BASE}/${keyId}`)
      .set('Authorization', user)
      .send({
        description: 'scoring job (prod)',
        rateLimits: { requestsPerMinute: 5 },
      });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      id: keyId,
      description: 'scoring job (prod)',
      rateLimits: { requestsPerMinute: 5 },
      status: 'active',
    });
    expect(changed.text).not.toContain(created.body.secret);
    // Changing limits never touches the Secret (the key itself is unchanged).
    expect(secrets.writes).toBe(writesBefore);
    const listed = await request(app).get(BASE).set('Authorization', user);
    expect(listed.body.items[0]).toMatchObject({
      description: 'scoring job (prod)',
      rateLimits: { requestsPerMinute: 5 },
    });
    const audited = await db('audit_log').where({
      action: 'key.update',
      outcome: 'succeeded',
    });
    expect(audited).toHaveLength(1);

    // Token limits on a predictive model: 400 naming the field, nothing changed.
    const tokens = await request(app)
      .patch(`${BASE}/${keyId}`)
      .set('Authorization', user)
      .send({ rateLimits: { tokensPerMinute: 100 } });
    expect(tokens.status).toBe(400);
    expect(tokens.body.error.message).toMatch(/tokensPerMinute/);
    const unknown = await request(app)
      .patch(`${BASE}/${keyId}`)
      .set('Authorization', user)
      .send({ name: 'renamed' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/name/);

    // {} clears the key's own limits: it uses the publication's again.
    const cleared = await request(app)
      .patch(`${BASE}/${keyId}`)
      .set('Authorization', user)
      .send({ rateLimits: {}, description: '' });
    expect(cleared.status).toBe(200);
    expect(cleared.body.rateLimits).toBeUndefined();
    expect(cleared.body.description).toBeUndefined();

    await request(app).delete(`${BASE}/${keyId}`).set('Authorization', user);
    const late = await request(app)
      .patch(`${BASE}/${keyId}`)
      .set('Authorization', user)
      .send({ description: 'too late' });
    expect(late.status).toBe(409);
    expect(
      (
        await request(app)
          .patch(`${BASE}/nope`)
          .set('Authorization', user)
          .send({ description: 'x' })
      ).status,
    ).toBe(404);
  });

  it('a rotation keeps the description', async () => {
    const created = await request(app)
      .post(BASE)
      .set('Authorization', user)
      .send({ name: 'web', description: 'the storefront' });
    const rotated = await request(app)
      .post(`${BASE}/${created.body.key.id}/rotate`)
      .set('Authorization', user)
      .send({ gracePeriodHours: 1 });
    expect(rotated.body.key.description).toBe('the storefront');
  });
});
