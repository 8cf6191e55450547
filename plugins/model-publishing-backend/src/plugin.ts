import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { registerExtensionPoints, startModelPublishing } from './root';

/**
 * Model publishing backend plugin: REST API under /api/model-publishing, the publishing saga, the
 * reconciler and the audit trail. Keeps no state outside the database, so it runs as several replicas.
 *
 * @public
 */
export const modelPublishingPlugin = createBackendPlugin({
  pluginId: 'model-publishing',
  register(env) {
    // Usage sources and clusters added by backend modules (plugin-model-publishing-node).
    const extensions = registerExtensionPoints(env);
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
        await startModelPublishing(deps, extensions);
      },
    });
  },
});
