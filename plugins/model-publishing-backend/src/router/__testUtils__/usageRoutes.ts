import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type express from 'express';
import request from 'supertest';
import knexFactory, { type Knex } from 'knex';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ANNOTATION_CLUSTER,
  ANNOTATION_INFERENCE_SERVICE,
} from '@model-publishing/plugin-model-publishing-common';
import { providerLocation } from '../../__testUtils__/providerLocation';
import { AuditLog } from '../../audit/AuditLog';
import { migrate } from '../../database/migrate';
import { PublicationStore } from '../../database/PublicationStore';
import { createOpenApiRouter } from '../../schema/openapi.generated';
import { createUsageModule, type UsageModule } from '../../usage';
import type { RouterDeps } from '../types';
import { registerUsageRoutes } from '../usage';
import { appServing, permissionsAllowing, testRouteContext } from './routeApp';

/** Envoy access log lines of the fixture (2026-03-01, keys a1, b2 and f1). */
export const lines = readFileSync(
  join(__dirname, '../../usage/ingest/__fixtures__/envoy-access-log.ndjson'),
  'utf8',
);
export const records = lines
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

export const user = mockCredentials.user.header('user:default/alice');
export const shipper = mockCredentials.service.header({
  onBehalfOf: mockCredentials.service('external:log-shipper'),
  targetPluginId: 'test',
});
export const otherService = mockCredentials.service.header({
  onBehalfOf: mockCredentials.service('plugin:catalog'),
  targetPluginId: 'test',
});
export const q = (params: Record<string, string>) =>
  new URLSearchParams(params).toString();
export const range = q({
  from: '2026-03-01T10:00:00Z',
  to: '2026-03-01T12:00:00Z',
});

/** Ships the fixture's access log as the allowed service does; fails the test unless it is taken. */
export async function ingestFixture(app: express.Express) {
  const res = await request(app)
    .post('/usage/ingest')
    .set('Authorization', shipper)
    .set('Content-Type', 'application/x-ndjson')
    .send(lines);
  expect([res.status, res.body.error?.message]).toEqual([200, undefined]);
  return res.body;
}

/** The usage routes over an in-memory database with two published models and their keys. */
export interface UsageRoutes {
  db: Knex;
  app: express.Express;
  /** Permission names the caller holds; change per test. */
  allowed: Set<string>;
  /** Entity refs every permission is denied on. */
  deniedRefs: Set<string>;
  usage: UsageModule;
}

/** Registers the before/after hooks of the calling describe; the returned object is filled before each test. */
export function useUsageRoutes(): UsageRoutes {
  const t = {} as UsageRoutes;
  beforeEach(async () => {
    const db = knexFactory({
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

    const allowed = new Set(['model-publishing.usage.read']);
    const deniedRefs = new Set<string>();
    const logger = mockServices.logger.mock();
    const auditLog = new AuditLog(db, mockServices.auditor.mock());
    const ctx = testRouteContext({
      permissions: permissionsAllowing(
        (name, ref) => allowed.has(name) && !deniedRefs.has(ref ?? ''),
      ),
      entities: [entity('llama'), entity('fraud'), entity('unpublished')],
      auditLog,
      logger,
    });
    const usage = createUsageModule({
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
    const app = appServing(router, logger);
    Object.assign(t, { db, app, allowed, deniedRefs, usage });
  });

  afterEach(async () => {
    await t.db.destroy();
  });

  return t;
}
