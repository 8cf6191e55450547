import type express from 'express';
import request from 'supertest';
import type { Knex } from 'knex';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ANNOTATION_CLUSTER,
  ANNOTATION_INFERENCE_SERVICE,
} from '@model-publishing/plugin-model-publishing-common';
import { providerLocation } from '../../__testUtils__/providerLocation';
import { AuditLog } from '../../audit/AuditLog';
import { createKeyTestDb } from '../../keys/__testUtils__/db';
import { captureAuditor, captureLogger } from '../../keys/__testUtils__/fakes';
import { createOpenApiRouter } from '../../schema/openapi.generated';
import {
  accessFixture,
  FRANK,
  GRACE,
  MODEL_REF,
  orgEntities,
  PAUL,
  PAUL_APP,
  type AccessFixture,
} from '../../access/__testUtils__/fixture';
import { registerAccessRoutes } from '../access';
import { createUsageModule, type UsageModule } from '../../usage';
import type { RouterDeps } from '../types';
import { appServing, testRouteContext } from './routeApp';

export const ALICE = 'user:default/alice';
export const MODEL = '/models/default/ml/fraud-sklearn/publication';
export const ENTITY_MODEL =
  '/entities/component/default/fraud-sklearn/publication';

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

export const personas = {
  owner: `Bearer ${mockCredentials.user.token(FRANK)}`,
  requester: `Bearer ${mockCredentials.user.token(PAUL)}`,
  other: `Bearer ${mockCredentials.user.token(GRACE)}`,
  admin: `Bearer ${mockCredentials.user.token(ALICE)}`,
  service: mockCredentials.service.header(),
} as const;
export type Persona = keyof typeof personas | 'none';

/** The access routes over a fresh database per test, and how the personas call them. */
export interface AccessRoutes {
  db: Knex;
  app: express.Express;
  f: AccessFixture;
  usage: UsageModule;
}

/**
 * Registers the before/after hooks of the calling describe (one database of `kind` per test); the
 * returned object is filled before each test, its helpers call the routes as a persona.
 */
export function useAccessRoutes(kind: Parameters<typeof createKeyTestDb>[0]) {
  const h = {} as AccessRoutes;
  let close: () => Promise<void>;

  beforeEach(async () => {
    let db: Knex;
    ({ db, close } = await createKeyTestDb(kind));
    const f = await accessFixture(db);
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
    const ctx = testRouteContext({
      permissions,
      entities: [model, ...orgEntities()],
      auditLog,
      logger,
      cluster: 'default',
    });
    const router = createOpenApiRouter();
    const usage = createUsageModule({
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
    Object.assign(h, { db, app: appServing(router, logger), f, usage });
  });
  afterEach(async () => close());

  const call = (
    persona: Persona,
    method: 'get' | 'post' | 'delete',
    path: string,
    body?: object,
  ) => {
    const r = request(h.app)[method](path);
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

  return Object.assign(h, { call, ask, statuses, each });
}
