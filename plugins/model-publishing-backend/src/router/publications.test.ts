import type express from 'express';
import request from 'supertest';
import knexFactory, { type Knex } from 'knex';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { publicationReadPermission } from '@model-publishing/plugin-model-publishing-common';
import { AuditLog } from '../audit/AuditLog';
import { migrate } from '../database/migrate';
import { PublicationStore } from '../database/PublicationStore';
import { createOpenApiRouter } from '../schema/openapi.generated';
import { registerPublicationRoutes } from './publications';
import type { RouterDeps } from './types';
import {
  appServing,
  permissionsAllowing,
  testRouteContext,
} from './__testUtils__/routeApp';

const user = mockCredentials.user.header('user:default/alice');

/** Four publications in `ml`: a and b published, c failed, d unpublished. */
const SEEDED = [
  ['pub-a', 'a', 'published'],
  ['pub-b', 'b', 'published'],
  ['pub-c', 'c', 'failed'],
  ['pub-d', 'd', 'unpublished'],
] as const;

describe('GET /publications totals', () => {
  let db: Knex;
  let app: express.Express;
  /** Entity refs the caller may read (`publication.read`); change per test. */
  let readable: Set<string>;

  beforeEach(async () => {
    db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    await migrate(db);
    const publications = new PublicationStore(db);
    for (const [id, name, status] of SEEDED) {
      await publications.insertPublishing({
        id,
        cluster: 'dev',
        namespace: 'ml',
        name,
        entityRef: `component:ml/${name}`,
        modelKind: 'v1',
        config: { rateLimits: { requestsPerMinute: 60 } },
        objects: [],
        endpoints: [],
        createdBy: 'user:default/alice',
      });
      await publications.update(id, { status });
    }
    readable = new Set();
    const logger = mockServices.logger.mock();
    const ctx = testRouteContext({
      permissions: permissionsAllowing(
        (name, ref) =>
          name === publicationReadPermission.name && readable.has(ref ?? ''),
      ),
      entities: [],
      auditLog: new AuditLog(db, mockServices.auditor.mock()),
      logger,
    });
    const router = createOpenApiRouter();
    registerPublicationRoutes(router, {
      ctx,
      publications,
    } as unknown as RouterDeps);
    app = appServing(router, logger);
  });

  afterEach(async () => {
    await db.destroy();
  });

  const list = (query = '') =>
    request(app).get(`/publications?${query}`).set('Authorization', user);

  it('counts only the publications the reader may read, across all pages', async () => {
    readable = new Set(['component:ml/a', 'component:ml/c', 'component:ml/d']);
    const all = await list();
    expect(all.status).toBe(200);
    expect(all.body.items.map((p: { name: string }) => p.name).sort()).toEqual([
      'a',
      'c',
      'd',
    ]);
    expect([all.body.total, all.body.byStatus]).toEqual([
      3,
      { published: 1, failed: 1, unpublished: 1 },
    ]);

    // One row per page; the totals still cover every page.
    const first = await list('limit=1');
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(first.body.total).toBe(3);
    // Asked apart: the rows without them, then the totals with one row.
    const rowsOnly = await list('totals=false');
    expect(rowsOnly.body.items).toHaveLength(3);
    expect(rowsOnly.body).not.toHaveProperty('total');
    expect(rowsOnly.body).not.toHaveProperty('byStatus');
    expect((await list('limit=1&totals=true')).body.total).toBe(3);
    // Later pages leave the totals out: the caller has them from the first.
    const second = await list(
      `limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.total).toBeUndefined();
    expect(second.body.byStatus).toBeUndefined();

    // The same filters as the list.
    const live = await list('excludeUnpublished=true');
    expect([live.body.total, live.body.byStatus]).toEqual([
      2,
      { published: 1, failed: 1 },
    ]);
    const failed = await list('status=failed');
    expect([failed.body.total, failed.body.byStatus]).toEqual([
      1,
      { failed: 1 },
    ]);
  });

  it('a reader who may read none gets no rows and zero totals; no caller gets 401', async () => {
    const none = await list();
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ items: [], total: 0, byStatus: {} });

    const anonymous = await request(app).get('/publications');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.total).toBeUndefined();
  });
});
