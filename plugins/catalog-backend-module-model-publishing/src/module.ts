import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { ModelPublishingEntityProvider } from './provider/ModelPublishingEntityProvider';
import { ModelConsumersProcessor } from './processor/ModelConsumersProcessor';

/**
 * Catalog module: one entity provider pair (Components + APIs) per configured cluster.
 * Config: `catalog.providers.modelPublishing` (see config.d.ts and README.md).
 */
export const catalogModuleModelPublishing = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'model-publishing',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        lifecycle: coreServices.lifecycle,
      },
      async init({
        catalog,
        config,
        logger,
        scheduler,
        auth,
        discovery,
        lifecycle,
      }) {
        const providers = ModelPublishingEntityProvider.fromConfig(config, {
          logger,
          scheduler,
          auth,
          discovery,
        });
        if (providers.length === 0) {
          logger.info(
            'No catalog.providers.modelPublishing or modelPublishing.clusters configured; no InferenceServices will be imported',
          );
        }
        for (const provider of providers) {
          catalog.addEntityProvider(provider, provider.apiProvider);
          lifecycle.addShutdownHook(() => provider.stop());
        }
        catalog.addProcessor(new ModelConsumersProcessor());
      },
    });
  },
});
