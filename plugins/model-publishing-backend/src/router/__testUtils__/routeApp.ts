import express from 'express';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  type PermissionEvaluator,
} from '@backstage/plugin-permission-common';
import type { AuditLog } from '../../audit/AuditLog';
import { RouteContext } from '../context';
import type { ApiRouter } from '../types';

/** Permissions that allow a request when `allows` says so (decided per request, so tests may change it). */
export function permissionsAllowing(
  allows: (permission: string, resourceRef?: string) => boolean,
) {
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(
    async requests =>
      requests.map(r => ({
        result: allows(
          r.permission.name,
          (r as { resourceRef?: string }).resourceRef,
        )
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      })) as Awaited<ReturnType<PermissionEvaluator['authorize']>>,
  );
  return permissions;
}

/**
 * The routes' shared context over mocks, as the router tests use it: requests without a token have no
 * credentials, the catalog holds `entities`, one cluster (`default` names it too), the catalog
 * module may read and `external:log-shipper` may ingest.
 */
export function testRouteContext(o: {
  permissions: ReturnType<typeof mockServices.permissions.mock>;
  entities: Entity[];
  auditLog: AuditLog;
  logger: LoggerService;
  /** The one configured cluster (default `dev`); `default` names it too. */
  cluster?: string;
}): RouteContext {
  const cluster = o.cluster ?? 'dev';
  return new RouteContext({
    httpAuth: mockServices.httpAuth({
      defaultCredentials: mockCredentials.none(),
    }),
    auth: mockServices.auth(),
    permissions: o.permissions,
    catalog: catalogServiceMock({ entities: o.entities }),
    auditLog: o.auditLog,
    logger: o.logger,
    resolveClusterName: name =>
      name === 'default' || name === cluster ? cluster : undefined,
    defaultCluster: cluster,
    serviceSubjects: {
      readers: ['plugin:catalog'],
      ingest: ['external:log-shipper'],
    },
  });
}

/** An app serving `router` with Backstage's error handler after it, as the backend serves the plugin. */
export function appServing(
  router: ApiRouter,
  logger: LoggerService,
): express.Express {
  const app = express();
  app.use(router);
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger,
    }).error(),
  );
  return app;
}
