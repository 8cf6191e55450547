import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import type { Knex } from 'knex';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ANNOTATION_CLUSTER, ANNOTATION_INFERENCE_SERVICE } from '@model-publishing/plugin-model-publishing-common';
import { providerLocation } from '../__testUtils__/providerLocation';
import { AuditLog } from '../audit/AuditLog';
import { PublicationStore } from '../database/PublicationStore';
import { ApiKeyService } from '../keys/ApiKeyService';
import { ApiKeyStore } from '../keys/ApiKeyStore';
import { createKeyTestDb } from '../keys/__testUtils__/db';
import { FakeSecretClient, captureAuditor, captureLogger } from '../keys/__testUtils__/fakes';
import { createOpenApiRouter } from '../schema/openapi.generated';
import { RouteContext } from './context';
import { redactKey, registerTryItRoutes, tryItUrl } from './tryIt';
import type { RouterDeps } from './types';

const TRY = '/models/default/ml/fraud/publication/try-it';
const TARGET = { cluster: 'dev', namespace: 'ml', name: 'fraud-mp-keys' };

describe('tryItUrl and redactKey', () => {
  it.each(['x', '//evil.example/x', '/a/../b', '/./a', '/..'])('refuses path %s, naming the field', p => {
    expect(() => tryItUrl('http://gw/models/ml/fraud', p)).toThrow(/^path: /);
  });
  it('appends the path to the base URL', () => {
    expect(tryItUrl('http://gw/models/ml/fraud/', '/v1/models/fraud:predict')).toBe('http://gw/models/ml/fraud/v1/models/fraud:predict');
  });
  it('redacts every occurrence of the key', () => {
    expect(redactKey('a mpk_1 b mpk_1', 'mpk_1')).toBe('a [key redacted] b [key redacted]');
  });
});

describe('POST …/publication/try-it', () => {
  let db: Knex;
  let close: () => Promise<void>;
  let app: express.Express;
  let allowed: Set<string>;
  let keys: ApiKeyService;
  let logger: ReturnType<typeof captureLogger>;
  let endpoint: http.Server;
  let received: http.IncomingHttpHeaders[];
  let baseUrl: string;

  beforeEach(async () => {
    received = [];
    // The published endpoint: echoes the request headers (as a model server behind a careless proxy might).
    endpoint = http.createServer((req, res) => {
      received.push(req.headers);
      res.writeHead(429, { 'content-type': 'application/json', 'x-ratelimit-limit': '1, 1;w=60', 'set-cookie': 'a=b' });
      res.end(JSON.stringify({ echoed: req.headers.authorization }));
    });
    await new Promise<void>(r => endpoint.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/models/ml/fraud`;

    ({ db, close } = await createKeyTestDb('sqlite'));
    const publications = new PublicationStore(db);
    await publications.insertPublishing({
      id: 'pub-1', cluster: 'dev', namespace: 'ml', name: 'fraud', entityRef: 'component:ml/fraud', modelKind: 'v1',
      config: { rateLimits: { requestsPerMinute: 60 } }, objects: [], endpoints: [{ url: baseUrl, description: 'base' }],
      createdBy: 'user:default/alice',
    });
    await publications.update('pub-1', { status: 'published' });
    const secrets = new FakeSecretClient();
    secrets.seed(TARGET);
    logger = captureLogger();
    allowed = new Set(['model-publishing.publication.read', 'model-publishing.key.create']);
    const auditLog = new AuditLog(db, captureAuditor());
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(
      async requests => requests.map(r => ({ result: allowed.has(r.permission.name) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY })) as any,
    );
    const ctx = new RouteContext({
      httpAuth: mockServices.httpAuth({ defaultCredentials: mockCredentials.none() }),
      auth: mockServices.auth(),
      permissions,
      catalog: catalogServiceMock({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1', kind: 'Component',
            metadata: { name: 'fraud', namespace: 'ml', annotations: { [ANNOTATION_INFERENCE_SERVICE]: 'ml/fraud', [ANNOTATION_CLUSTER]: 'dev', ...providerLocation('dev') } },
            spec: { type: 'inference-service', owner: 'group:default/ml', lifecycle: 'production' },
          },
        ],
      }),
      auditLog,
      logger,
      resolveClusterName: name => (name === 'default' || name === 'dev' ? 'dev' : undefined),
      defaultCluster: 'dev',
      serviceSubjects: { readers: ['plugin:catalog'], ingest: [] },
    });
    keys = new ApiKeyService({
      store: new ApiKeyStore(db), publications, secrets, auditor: auditLog, logger,
      rateLimitMode: 'global', rotationGraceHours: 24, secretWrite: { maxBackoffMs: 2 },
    });
    // The cluster as the route reads it: the same Secret the key service writes.
    const clusters = {
      get: () => ({ get: async (ref: { namespace: string; name: string }) => secrets.getSecret({ cluster: 'dev', namespace: ref.namespace, name: ref.name }) }),
    };
    const router = createOpenApiRouter();
    registerTryItRoutes(router, { ctx, publications, keys, clusters } as unknown as RouterDeps & { keys: ApiKeyService });
    app = express();
    app.use(router);
    app.use(MiddlewareFactory.create({ config: mockServices.rootConfig(), logger }).error());
  });

  afterEach(async () => {
    endpoint.close();
    await close();
  });

  const user = `Bearer ${mockCredentials.user.token('user:default/alice')}`;
  const issue = async () => {
    const issued = await keys.create({ publicationId: 'pub-1', name: 'try' }, { actor: 'user:default/alice' } as any);
    return { id: issued.key.id, secret: issued.secret };
  };

  it('calls the published URL with a stored key and reports status, headers, body and latency, never the key', async () => {
    const { id, secret } = await issue();
    const r = await request(app).post(TRY).set('Authorization', user)
      .send({ keyId: id, method: 'POST', path: '/v1/models/fraud:predict', body: '{"instances":[[1]]}' });
    expect(r.status).toBe(200);
    expect(received[0].authorization).toBe(`Bearer ${secret}`);
    expect(received[0]['content-type']).toBe('application/json');
    expect(r.body).toMatchObject({
      url: `${baseUrl}/v1/models/fraud:predict`,
      status: 429,
      headers: { 'x-ratelimit-limit': '1, 1;w=60' },
      body: JSON.stringify({ echoed: 'Bearer [key redacted]' }),
      truncated: false,
    });
    expect(r.body.headers['set-cookie']).toBeUndefined();
    expect(typeof r.body.latencyMs).toBe('number');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.text).not.toContain(secret);
    expect(JSON.stringify(logger.lines)).not.toContain(secret);
  });

  it('needs key.create to use a stored key (reading it from the cluster), and never calls out when denied', async () => {
    const { id } = await issue();
    allowed.delete('model-publishing.key.create');
    const r = await request(app).post(TRY).set('Authorization', user).send({ keyId: id, method: 'GET', path: '/v1/models/fraud' });
    expect(r.status).toBe(403);
    expect(received).toHaveLength(0);
  });

  it('sends a pasted key with publication.read only, and refuses without it', async () => {
    allowed.delete('model-publishing.key.create');
    const ok = await request(app).post(TRY).set('Authorization', user).send({ key: 'mpk_pasted', method: 'GET', path: '/v1/models/fraud' });
    expect(ok.status).toBe(200);
    expect(received[0].authorization).toBe('Bearer mpk_pasted');
    expect(ok.text).not.toContain('mpk_pasted');
    allowed.delete('model-publishing.publication.read');
    expect((await request(app).post(TRY).set('Authorization', user).send({ key: 'mpk_pasted', method: 'GET', path: '/' })).status).toBe(403);
    expect(received).toHaveLength(1);
  });

  it('answers 400 naming the field for bad input, and 409 for a revoked key', async () => {
    const both = await request(app).post(TRY).set('Authorization', user).send({ key: 'a', keyId: 'b', method: 'GET', path: '/' });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/keyId, key/);
    const escape = await request(app).post(TRY).set('Authorization', user).send({ key: 'a', method: 'GET', path: '/a/../../x' });
    expect(escape.status).toBe(400);
    expect(escape.body.error.message).toMatch(/^path: /);
    const { id } = await issue();
    await keys.revoke({ publicationId: 'pub-1', keyId: id }, { actor: 'user:default/alice' } as any);
    const revoked = await request(app).post(TRY).set('Authorization', user).send({ keyId: id, method: 'GET', path: '/' });
    expect(revoked.status).toBe(409);
    expect(received).toHaveLength(0);
  });

  it('answers 503 without the key when the endpoint cannot be reached', async () => {
    endpoint.close();
    await new Promise(r => setTimeout(r, 50));
    const { id, secret } = await issue();
    const r = await request(app).post(TRY).set('Authorization', user).send({ keyId: id, method: 'GET', path: '/x' });
    expect(r.status).toBe(503);
    expect(r.body.error.message).toMatch(/could not reach/);
    expect(r.text).not.toContain(secret);
  });
});
