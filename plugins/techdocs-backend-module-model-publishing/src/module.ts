import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { techdocsBuildsExtensionPoint } from '@backstage/plugin-techdocs-node';
import { ExternalBuilderDocsBuildStrategy } from './ExternalBuilderDocsBuildStrategy';

/**
 * TechDocs module: never build entities annotated `backstage.io/techdocs-builder: external` (the
 * model-publishing backend publishes their guide sites); everything else is built as before.
 */
export const techdocsModuleModelPublishing = createBackendModule({
  pluginId: 'techdocs',
  moduleId: 'model-publishing',
  register(env) {
    env.registerInit({
      deps: {
        builds: techdocsBuildsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ builds, config }) {
        builds.setBuildStrategy(
          ExternalBuilderDocsBuildStrategy.fromConfig(config),
        );
      },
    });
  },
});
