import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { modelPublishingPermissions } from '@model-publishing/plugin-model-publishing-common';
import {
  modelPublishingUsageExtensionPoint,
  type UsageSource,
} from '@model-publishing/plugin-model-publishing-node';
import { setupAccess } from './access';
import { AuditLog } from './audit/AuditLog';
import { GuidePublisher } from './docs/techdocs';
import { readModelPublishingConfig } from './config';
import { migrate } from './database/migrate';
import { PublicationStore } from './database/PublicationStore';
import { setupApiKeys } from './keys';
import { ClusterRegistry } from './kubernetes/ClusterRegistry';
import { ModelWatches } from './kubernetes/ModelWatch';
import { startEmbeddedEmulators } from './kubernetes/embeddedEmulator';
import { PublishingService } from './publishing/PublishingService';
import { scheduleReconciler } from './publishing/Reconciler';
import { createRouter } from './router';
import { RouteContext } from './router/context';
import { createUsageModule, scheduleUsageCollector } from './usage';

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
      },
      async init(deps) {
        const config = readModelPublishingConfig(deps.rootConfig);
        deps.permissionsRegistry.addPermissions(modelPublishingPermissions);

        const db = await deps.database.getClient();
        if (!deps.database.migrations?.skip) await migrate(db);

        const emulators = await startEmbeddedEmulators(config.clusters, deps.logger);
        deps.lifecycle.addShutdownHook(() => emulators.close());
        const clusters = new ClusterRegistry({
          clusters: config.clusters,
          defaultCluster: config.defaultCluster,
          timeoutMs: config.clusterRequestTimeoutMs,
          maxConcurrent: config.maxConcurrentClusterRequests,
          kubeConfigs: emulators.kubeConfigs,
        });
        const publications = new PublicationStore(db);
        const auditLog = new AuditLog(db, deps.auditor);
        // Guides in TechDocs (src/docs/techdocs); rendered by the publishing service created just below.
        const guides = await GuidePublisher.fromConfig(deps.rootConfig, {
          logger: deps.logger,
          discovery: deps.discovery,
          // Called only after a publish, i.e. once `publishing` (which needs `guides`) exists.
          // eslint-disable-next-line @typescript-eslint/no-use-before-define
          render: p => publishing.guide(p),
        });
        // Let a guide being generated finish (and remove its temp dir) before the process exits.
        deps.lifecycle.addShutdownHook(async () => guides?.idle());
        // Watches of InferenceServices (kubernetes/ModelWatch): started in the background, so a cluster
        // that is slow or refuses the watch never holds up the backend's start.
        const models = config.watchModels ? new ModelWatches(clusters.connections(), deps.logger) : undefined;
        if (models) {
          void models.start();
          deps.lifecycle.addShutdownHook(() => models.stop());
        }
        const publishing = new PublishingService({
          clusters,
          publications,
          auditLog,
          config,
          logger: deps.logger,
          guides,
          models,
        });
        // API keys (src/keys): first key and discard for the publishing saga, plus the scheduled sweep.
        const keys = await setupApiKeys({
          db,
          config,
          logger: deps.logger,
          clusters,
          publications,
          auditLog,
          publishing,
          scheduler: deps.scheduler,
        });
        const ctx = new RouteContext({
          httpAuth: deps.httpAuth,
          auth: deps.auth,
          permissions: deps.permissions,
          catalog: deps.catalog,
          auditLog,
          logger: deps.logger,
          resolveClusterName: name => clusters.resolveName(name),
          defaultCluster: config.defaultCluster,
        });

        // Consumers (src/access): plans, access requests, consumer-owned keys, notices, lifecycle task.
        const access = await setupAccess({
          db,
          catalog: deps.catalog,
          auth: deps.auth,
          auditLog,
          logger: deps.logger,
          publications,
          keys,
          reapply: id => publishing.reapply(id),
          notifications: deps.notifications,
          scheduler: deps.scheduler,
        });

        // Usage (src/usage): rollups, pull sources and the scheduled collector.
        const usage = createUsageModule({
          db,
          rootConfig: deps.rootConfig,
          logger: deps.logger,
          publications,
          rateLimitMode: config.gateway.rateLimitMode,
          extraSources: usageSources,
        });
        await scheduleUsageCollector(usage, deps.scheduler);

        if (config.reconciler.enabled && clusters.names().length) {
          await scheduleReconciler({
            scheduler: deps.scheduler,
            logger: deps.logger,
            frequency: config.reconciler.frequency,
            stuckAfterMs: config.reconciler.stuckAfterMs,
            repair: config.reconciler.repair,
            clusters,
            publications,
            publishing,
            guides,
          });
        }

        deps.httpRouter.use(
          await createRouter({
            ctx,
            logger: deps.logger,
            auth: deps.auth,
            config,
            db,
            database: deps.database,
            scheduler: deps.scheduler,
            clusters,
            publications,
            auditLog,
            publishing,
            usage,
            access,
          }),
        );
      },
    });
  },
});
