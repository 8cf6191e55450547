import type express from 'express';
import type { Knex } from 'knex';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  ANNOTATION_CLUSTER,
  ANNOTATION_INFERENCE_SERVICE,
} from '@model-publishing/plugin-model-publishing-common';
import { providerLocation } from '../../__testUtils__/providerLocation';
import { AuditLog } from '../../audit/AuditLog';
import { PublicationStore } from '../../database/PublicationStore';
import { ApiKeyService } from '../../keys/ApiKeyService';
import { ApiKeyStore } from '../../keys/ApiKeyStore';
import { createKeyTestDb } from '../../keys/__testUtils__/db';
import {
  FakeSecretClient,
  captureAuditor,
  captureLogger,
} from '../../keys/__testUtils__/fakes';
import { createOpenApiRouter } from '../../schema/openapi.generated';
import { registerKeyRoutes } from '../keys';
import type { RouterDeps } from '../types';
import { appServing, permissionsAllowing, testRouteContext } from './routeApp';

export const BASE = '/models/default/ml/fraud/publication/keys';
export const ENTITY_BASE = '/entities/component/ml/fraud/publication/keys';
export const TARGET = {
  cluster: 'dev',
  namespace: 'ml',
  name: 'fraud-mp-keys',
};
/** A signed-in user's Authorization header. */
export const user = `Bearer ${mockCredentials.user.token(
  'user:default/alice',
)}`;

/** The key routes over a SQLite database with one published model, rebuilt for each test. */
export interface KeyRoutes {
  db: Knex;
  app: express.Express;
  /** Permission names the caller holds; change per test. */
  allowed: Set<string>;
  secrets: FakeSecretClient;
  logger: ReturnType<typeof captureLogger>;
  auditor: ReturnType<typeof captureAuditor>;
  publications: PublicationStore;
}

/** Registers the before/after hooks of the calling describe; the returned object is filled before each test. */
export function useKeyRoutes(): KeyRoutes {
  const t = {} as KeyRoutes;
  let close: () => Promise<void>;

  beforeEach(async () => {
    let db: Knex;
    ({ db, close } = await createKeyTestDb('sqlite'));
    const publications = new PublicationStore(db);
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
    const secrets = new FakeSecretClient();
    secrets.seed(TARGET);
    const logger = captureLogger();
    const auditor = captureAuditor();
    const allowed = new Set([
      'model-publishing.usage.read',
      'model-publishing.key.create',
      'model-publishing.key.rotate',
      'model-publishing.key.revoke',
    ]);

    const auditLog = new AuditLog(db, auditor);
    const ctx = testRouteContext({
      permissions: permissionsAllowing(name => allowed.has(name)),
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
      auditLog,
      logger,
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
    const app = appServing(router, logger);
    Object.assign(t, {
      db,
      app,
      allowed,
      secrets,
      logger,
      auditor,
      publications,
    });
  });

  afterEach(async () => {
    await close();
  });

  return t;
}
