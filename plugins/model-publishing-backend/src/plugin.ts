import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { modelPublishingPermissions } from '@model-publishing/plugin-model-publishing-common';
import { KubeConfig } from '@kubernetes/client-node';
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
import { createServices, startServices } from './services';

/**
 * Model publishing backend plugin: REST API under /api/model-publishing, the publishing saga, the
 * reconciler and the audit trail. Keeps no state outside the database, so it runs as several replicas.
 *
 * @public
 */
export const modelPublishingPlugin = createBackendPlugin({
  pluginId: 'model-publishing',
  register(env) {
    // Usage sources added by backend modules (plugin-model-publishing-node).
    const usageSources: UsageSource[] = [];
    env.registerExtensionPoint(modelPublishingUsageExtensionPoint, {
      addUsageSource: source => {
        usageSources.push(source);
      },
    });
    // Clusters given in code by backend modules, beside modelPublishing.clusters.
    const moduleClusters: ModelPublishingCluster[] = [];
    env.registerExtensionPoint(modelPublishingClustersExtensionPoint, {
      addCluster: cluster => {
        moduleClusters.push({ ...cluster });
      },
    });
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
        rootConfig: coreServices.rootConfig,
        lifecycle: coreServices.lifecycle,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        notifications: notificationService,
        signals: signalsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const config = readModelPublishingConfig(deps.rootConfig, {
          moduleClusters: moduleClusters.map(c => c.name),
        });
        deps.permissionsRegistry.addPermissions(modelPublishingPermissions);
        const db = await deps.database.getClient();
        if (!deps.database.migrations?.skip) await migrate(db);

        const kubeConfigs = Object.fromEntries(
          moduleClusters.map(c => {
            const kubeConfig = new KubeConfig();
            kubeConfig.loadFromString(c.kubeconfig);
            return [c.name, kubeConfig];
          }),
        );
        const services = await createServices({
          ...deps,
          config,
          db,
          kubeConfigs,
          usageSources,
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
        // GitHub secret scanning calls without a Backstage token: its ECDSA signature is checked instead.
        deps.httpRouter.addAuthPolicy({
          path: '/secret-scanning/github',
          allow: 'unauthenticated',
        });
        deps.httpRouter.use(
          await createRouter({
            ...services,
            ...deps,
            access: services.access?.access,
            ctx,
          }),
        );
        // Actions for AI agents (served over MCP by @backstage/plugin-mcp-actions-backend when installed).
        registerModelActions(deps.actionsRegistry, {
          ...services,
          ctx,
          auth: deps.auth,
          auditor: deps.auditor,
          access: services.access?.access,
        });
      },
    });
  },
});
