import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import knexFactory, { type Knex } from 'knex';
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
import { migrate } from '../database/migrate';
import { PublicationStore } from '../database/PublicationStore';
import { createOpenApiRouter } from '../schema/openapi.generated';
import { createUsageModule, type UsageModule } from '../usage';
import { RouteContext } from './context';
import type { RouterDeps } from './types';
import { registerUsageRoutes } from './usage';

const lines = readFileSync(
  join(__dirname, '../usage/ingest/__fixtures__/envoy-access-log.ndjson'),
  'utf8',
);
const records = lines
  .split('\n')
  .filter(Boolean)
  .map(l => JSON.parse(l));

const entity = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'ml',
    annotations: {
      [ANNOTATION_INFERENCE_SERVICE]: `ml/${name}`,
      [ANNOTATION_CLUSTER]: 'dev',
      ...providerLocation('dev'),
    },
  },
  spec: {
    type: 'inference-service',
    owner: 'group:default/ml',
    lifecycle: 'production',
  },
});

describe('usage routes', () => {
  let db: Knex;
  let app: express.Express;
  let allowed: Set<string>;
  let usage: UsageModule;
  let deniedRefs: Set<string>;

  beforeEach(async () => {
    db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    await migrate(db);
    const publications = new PublicationStore(db);
    for (const [id, name, kind] of [
      ['pub-llm', 'llama', 'openai'],
      ['pub-v1', 'fraud', 'v1'],
    ] as const) {
      await publications.insertPublishing({
        id,
        cluster: 'dev',
        namespace: 'ml',
        name,
        entityRef: `component:ml/${name}`,
        modelKind: kind,
        config: { rateLimits: { requestsPerHour: 5 } },
        objects: [],
        endpoints: [],
        createdBy: 'user:default/alice',
      });
      await publications.update(id, { status: 'published' });
    }
    // Created before the fixture's traffic (2026-03-01): ingest refuses records from before a key existed.
    const now = new Date('2026-02-01T00:00:00Z');
    await db('api_keys').insert(
      [
        ['a1', 'pub-llm', 'app'],
        ['b2', 'pub-llm', 'batch'],
        ['f1', 'pub-v1', 'scoring'],
      ].map(([id, publicationId, name]) => ({
        id,
        publication_id: publicationId,
        name,
        prefix: `mpk_${id}xx`,
        hash: `hash-${id}`,
        client_id: `key-${id}`,
        created_by: 'user:default/alice',
        created_at: now,
      })),
    );

    allowed = new Set(['model-publishing.usage.read']);
    deniedRefs = new Set();
    const logger = mockServices.logger.mock();
    const auditLog = new AuditLog(db, mockServices.auditor.mock());
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(
      async requests =>
        requests.map(r => ({
          result:
            allowed.has(r.permission.name) &&
            !deniedRefs.has((r as { resourceRef?: string }).resourceRef ?? '')
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
        entities: [entity('llama'), entity('fraud'), entity('unpublished')],
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
    usage = createUsageModule({
      db,
      auditLog,
      rootConfig: mockServices.rootConfig({
        data: {
          modelPublishing: {
            usage: {
              ingest: { allowedSubjects: ['external:log-shipper'] },
              // 1 per request served, so costs are the request counts
              prices: { requestsPerThousand: 1000 },
            },
          },
        },
      }),
      logger,
      publications,
      rateLimitMode: 'global',
      catalog: catalogServiceMock({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Group',
            metadata: { name: 'ml', namespace: 'default' },
            spec: { type: 'team', children: [] },
          },
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'User',
            metadata: { name: 'alice', namespace: 'default' },
            spec: { memberOf: ['ml'] },
            relations: [{ type: 'memberOf', targetRef: 'group:default/ml' }],
          },
        ],
      }),
      auth: mockServices.auth(),
    });
    const router = createOpenApiRouter();
    registerUsageRoutes(router, {
      ctx,
      publications,
      clusters: {
        resolveName: (n: string) =>
          n === 'default' || n === 'dev' ? 'dev' : undefined,
      },
      usage,
    } as unknown as RouterDeps & { usage: UsageModule });
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
    await db.destroy();
  });

  const user = mockCredentials.user.header('user:default/alice');
  const shipper = mockCredentials.service.header({
    onBehalfOf: mockCredentials.service('external:log-shipper'),
    targetPluginId: 'test',
  });
  const otherService = mockCredentials.service.header({
    onBehalfOf: mockCredentials.service('plugin:catalog'),
    targetPluginId: 'test',
  });
  const q = (params: Record<string, string>) =>
    new URLSearchParams(params).toString();
  const range = q({ from: '2026-03-01T10:00:00Z', to: '2026-03-01T12:00:00Z' });

  async function ingestFixture() {
    const res = await request(app)
      .post('/usage/ingest')
      .set('Authorization', shipper)
      .set('Content-Type', 'application/x-ndjson')
      .send(lines);
    expect([res.status, res.body.error?.message]).toEqual([200, undefined]);
    return res.body;
  }

  it('ingests NDJSON from an allowed service and reports it per key, by model or entity address', async () => {
    jest.useFakeTimers({
      now: new Date('2026-03-01T12:00:00Z'),
      doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout'],
    });
    try {
      expect(await ingestFixture()).toEqual({
        received: 12,
        accepted: 11,
        duplicates: 0,
        unmatched: 1,
        skipped: 0,
      });
      const json = await request(app)
        .post('/usage/ingest')
        .set('Authorization', shipper)
        .send({ records });
      expect(json.body).toMatchObject({ accepted: 0, duplicates: 11 });

      for (const path of [
        '/models/default/ml/llama',
        '/entities/component/ml/llama',
      ]) {
        const res = await request(app)
          .get(`${path}/publication/usage?${range}`)
          .set('Authorization', user);
        expect(res.status).toBe(200);
        expect(res.body.totals).toEqual({
          requests: 9,
          status401: 2,
          status403: 1,
          status429: 2,
          status4xxOther: 0,
          status5xx: 1,
          inputTokens: 430,
          outputTokens: 203,
        });
        expect(
          res.body.keys.map((k: any) => [
            k.keyName ?? k.clientId,
            k.totals.requests,
          ]),
        ).toEqual([
          ['app', 4],
          ['batch', 3],
          ['', 2],
        ]);
        // key-a1 made 4 requests in the 10:00 hour against a 5/hour limit: 80% crossed
        expect(res.body.alerts).toEqual([
          expect.objectContaining({
            scope: 'key',
            keyId: 'a1',
            window: 'hour',
            used: 4,
            limit: 5,
            threshold: 80,
          }),
        ]);
      }

      // series=keys: each key's row carries its own buckets (the chart's per-key lines)
      const perKey = await request(app)
        .get(`/models/default/ml/llama/publication/usage?${range}&series=keys`)
        .set('Authorization', user);
      expect(perKey.status).toBe(200);
      for (const k of perKey.body.keys)
        expect(k.buckets.reduce((n: number, b: any) => n + b.requests, 0)).toBe(
          k.totals.requests,
        );

      const csv = await request(app)
        .get(
          `/models/default/ml/llama/publication/usage.csv?${range}&granularity=hour`,
        )
        .set('Authorization', user);
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toContain(
        'usage-ml-llama-2026-03-01-hour.csv',
      );
      expect(csv.text.split('\r\n')[1]).toBe(
        'publication,,2026-03-01T10:00:00.000Z,7,2,0,2,0,0,430,203',
      );

      deniedRefs.add('component:ml/fraud');
      const summary = await request(app)
        .get(`/usage/summary?${range}`)
        .set('Authorization', user);
      expect(summary.status).toBe(200);
      expect(
        summary.body.items.map((i: any) => [
          i.name,
          i.totals.requests,
          i.alerts,
        ]),
      ).toEqual([['llama', 9, 1]]);
      // the list page's sparkline comes with it: requests per UTC day of the range
      expect(summary.body.days).toEqual(['2026-03-01T00:00:00.000Z']);
      expect(summary.body.items[0].requestsPerDay).toEqual([9]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses a malformed batch as a whole with 400 naming the record, storing nothing', async () => {
    const bad = records.map(r => ({ ...r }));
    bad[3].response_code = 'oops';
    const res = await request(app)
      .post('/usage/ingest')
      .set('Authorization', shipper)
      .send({ records: bad });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'records[3].response_code: response_code must be an HTTP status code',
    );
    const [{ n }] = await db('usage_ingest_seen').count({ n: '*' });
    expect(Number(n)).toBe(0);
  });

  it('answers 401 without credentials and 403 for users or unlisted services on ingest', async () => {
    expect(
      (await request(app).post('/usage/ingest').send({ records })).status,
    ).toBe(401);
    expect(
      (
        await request(app).get(
          `/models/default/ml/llama/publication/usage?${range}`,
        )
      ).status,
    ).toBe(401);
    expect((await request(app).get('/usage/summary')).status).toBe(401);

    const asUser = await request(app)
      .post('/usage/ingest')
      .set('Authorization', user)
      .send({ records });
    expect(asUser.status).toBe(403);
    const asOther = await request(app)
      .post('/usage/ingest')
      .set('Authorization', otherService)
      .send({ records });
    expect(asOther.status).toBe(403);
    expect(asOther.body.error.message).toContain(
      "service 'plugin:catalog' may not ingest usage",
    );
  });

  it('answers 403 without usage.read, audits the denial, and reads nothing', async () => {
    allowed.clear();
    const res = await request(app)
      .get(`/models/default/ml/llama/publication/usage?${range}`)
      .set('Authorization', user);
    expect(res.status).toBe(403);
    const rows = await db('audit_log').select();
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'usage.read',
        outcome: 'denied',
        entity_ref: 'component:ml/llama',
      }),
    ]);
    const summary = await request(app)
      .get('/usage/summary')
      .set('Authorization', user);
    expect(summary.body.items).toEqual([]);
  });

  it('answers 400 naming the parameter for bad ranges, and 404 for a model without publication', async () => {
    const bad = async (query: string) => {
      const res = await request(app)
        .get(`/models/default/ml/llama/publication/usage?${query}`)
        .set('Authorization', user);
      expect(res.status).toBe(400);
      return res.body.error.message as string;
    };
    expect(await bad('granularity=minute')).toMatch(/granularity/);
    expect(await bad('series=models')).toMatch(/series/);
    expect(await bad('from=yesterday')).toMatch(/from/);
    expect(
      await bad(
        q({ from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }),
      ),
    ).toBe('from: must be before to');
    expect(
      await bad(
        q({ from: '2020-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }),
      ),
    ).toMatch(/^to: the range spans/);

    const none = await request(app)
      .get('/models/default/ml/unpublished/publication/usage')
      .set('Authorization', user);
    expect(none.status).toBe(404);
  });

  it('shows costs per month to group members (their subtree) and admins, and lets only admins set and remove budgets', async () => {
    jest.useFakeTimers({
      now: new Date('2026-03-01T12:00:00Z'),
      doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout'],
    });
    try {
      await ingestFixture();
      const bob = mockCredentials.user.header('user:default/bob');
      const bad = await request(app)
        .get('/usage/chargeback?month=2026-13')
        .set('Authorization', user);
      expect(bad.status).toBe(400);

      const mine = await request(app)
        .get('/usage/chargeback?month=2026-03')
        .set('Authorization', user);
      expect(mine.status).toBe(200);
      expect(
        mine.body.lines.map((l: { ref: string; depth: number }) => [
          l.ref,
          l.depth,
        ]),
      ).toEqual([
        ['group:default/ml', 0],
        ['user:default/alice', 1],
      ]);
      // keyed requests served (the fixture's 401s have no key): 1 each
      expect(mine.body.total).toBeGreaterThan(0);
      const csv = await request(app)
        .get('/usage/chargeback.csv?month=2026-03')
        .set('Authorization', user);
      expect(csv.text.trim().split('\r\n')).toHaveLength(3);

      const others = await request(app)
        .get('/usage/chargeback?month=2026-03')
        .set('Authorization', bob);
      expect([others.status, others.body.lines, others.body.total]).toEqual([
        200,
        [],
        0,
      ]);

      const denied = await request(app)
        .put('/usage/budgets')
        .set('Authorization', user)
        .send({ consumerRef: 'group:default/ml', monthlyAmount: 100 });
      expect(denied.status).toBe(403);
      expect(await usage.budgets.list()).toEqual([]);

      allowed.add('model-publishing.costs.admin');
      const set = await request(app)
        .put('/usage/budgets')
        .set('Authorization', user)
        .send({ consumerRef: 'group:default/ml', monthlyAmount: 100 });
      expect([set.status, set.body.monthlyAmount]).toEqual([200, 100]);
      const invalid = await request(app)
        .put('/usage/budgets')
        .set('Authorization', user)
        .send({ consumerRef: 'group:default/ml', monthlyAmount: -1 });
      expect(invalid.status).toBe(400);
      const listed = await request(app)
        .get('/usage/budgets')
        .set('Authorization', bob);
      expect(
        listed.body.items.map((b: { consumerRef: string }) => b.consumerRef),
      ).toEqual(['group:default/ml']);

      // removing: admins only (a member of the group may not), 404 once it is gone; the ref is URL-encoded
      allowed.delete('model-publishing.costs.admin');
      const notAdmin = await request(app)
        .delete(
          `/usage/budgets?consumerRef=${encodeURIComponent(
            'group:default/ml',
          )}`,
        )
        .set('Authorization', user);
      expect(notAdmin.status).toBe(403);
      const anonymous = await request(app).delete(
        `/usage/budgets?consumerRef=${encodeURIComponent('group:default/ml')}`,
      );
      expect(anonymous.status).toBe(401);
      expect((await usage.budgets.list()).map(b => b.consumerRef)).toEqual([
        'group:default/ml',
      ]);
      allowed.add('model-publishing.costs.admin');
      const malformed = await request(app)
        .delete('/usage/budgets?consumerRef=ml')
        .set('Authorization', user);
      expect(malformed.status).toBe(400);
      const removed = await request(app)
        .delete(
          `/usage/budgets?consumerRef=${encodeURIComponent(
            'group:default/ml',
          )}`,
        )
        .set('Authorization', user);
      expect(removed.status).toBe(204);
      expect(await usage.budgets.list()).toEqual([]);
      const again = await request(app)
        .delete(
          `/usage/budgets?consumerRef=${encodeURIComponent(
            'group:default/ml',
          )}`,
        )
        .set('Authorization', user);
      expect(again.status).toBe(404);
    } finally {
      jest.useRealTimers();
    }
  });
});
