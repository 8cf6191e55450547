import type {
  AuditorService,
  AuthService,
  BackendPluginRegistrationPoints,
  DatabaseService,
  DiscoveryService,
  HttpAuthService,
  HttpRouterService,
  LifecycleService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import { modelPublishingPermissions } from '@model-publishing/plugin-model-publishing-common';
import {
  type ModelPublishingCluster,
  modelPublishingClustersExtensionPoint,
  modelPublishingUsageExtensionPoint,
  type UsageSource,
} from '@model-publishing/plugin-model-publishing-node';
import { registerModelActions } from './actions';
import { readModelPublishingConfig } from './config';
import { migrate } from './database/migrate';
import { createRouter } from './router';
import { RouteContext } from './router/context';
import {
  createServices,
  type ModelPublishingServices,
  startServices,
} from './services';

/** What backend modules gave the plugin through its extension points (plugin-model-publishing-node). */
export interface ModelPublishingExtensions {
  usageSources: UsageSource[];
  /** Clusters given in code, beside modelPublishing.clusters. */
  clusters: ModelPublishingCluster[];
}

/** Registers the plugin's extension points; what modules add is read at init, after every module's own. */
export function registerExtensionPoints(
  env: Pick<BackendPluginRegistrationPoints, 'registerExtensionPoint'>,
): ModelPublishingExtensions {
  const extensions: ModelPublishingExtensions = {
    usageSources: [],
    clusters: [],
  };
  env.registerExtensionPoint(modelPublishingUsageExtensionPoint, {
    addUsageSource: source => {
      extensions.usageSources.push(source);
    },
  });
  env.registerExtensionPoint(modelPublishingClustersExtensionPoint, {
    addCluster: cluster => {
      extensions.clusters.push({ ...cluster });
    },
  });
  return extensions;
}

/** The core services the plugin runs on (plugin.ts declares them). */
export interface PluginDeps {
  httpRouter: HttpRouterService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  auditor: AuditorService;
  database: DatabaseService;
  scheduler: SchedulerService;
  logger: LoggerService;
  rootConfig: RootConfigService;
  lifecycle: LifecycleService;
  discovery: DiscoveryService;
  catalog: CatalogService;
  notifications: NotificationService;
  signals: SignalsService;
  actionsRegistry: ActionsRegistryService;
}

/**
 * Starts the plugin on its core services: config, permissions, the migrated database, every service once
 * (services.ts) with its background work, the routes' shared context, the router and the agents' actions.
 */
export async function startModelPublishing(
  deps: PluginDeps,
  extensions: ModelPublishingExtensions,
): Promise<{ services: ModelPublishingServices; ctx: RouteContext }> {
  const config = readModelPublishingConfig(deps.rootConfig, {
    moduleClusters: extensions.clusters,
  });
  deps.permissionsRegistry.addPermissions(modelPublishingPermissions);
  const db = await deps.database.getClient();
  if (!deps.database.migrations?.skip) await migrate(db);

  const services = await createServices({
    ...deps,
    config,
    db,
    usageSources: extensions.usageSources,
  });
  await startServices(services, deps);
  const ctx = new RouteContext({
    ...deps,
    auditLog: services.auditLog,
    resolveClusterName: name => services.clusters.resolveName(name),
    defaultCluster: config.defaultCluster,
    serviceSubjects: {
      readers: config.serviceReaders,
      ingest: config.ingestSubjects,
    },
  });
  const access = services.access?.access;
  // GitHub secret scanning calls without a Backstage token: its ECDSA signature is checked instead.
  deps.httpRouter.addAuthPolicy({
    path: '/secret-scanning/github',
    allow: 'unauthenticated',
  });
  deps.httpRouter.use(
    await createRouter({ ...services, ...deps, access, ctx }),
  );
  // Actions for AI agents (served over MCP by @backstage/plugin-mcp-actions-backend when installed).
  registerModelActions(deps.actionsRegistry, {
    ...services,
    ctx,
    auth: deps.auth,
    auditor: deps.auditor,
    access,
  });
  return { services, ctx };
}
