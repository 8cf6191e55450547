import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createModelPublishingActions } from './actions';

/**
 * Scaffolder actions `model-publishing:publish`, `:update`, `:unpublish` and `:request-access`.
 *
 * @public
 */
export const scaffolderModuleModelPublishing = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'model-publishing',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        config: coreServices.rootConfig,
        permissions: coreServices.permissions,
      },
      async init({ scaffolder, auth, discovery, config, permissions }) {
        scaffolder.addActions(
          ...createModelPublishingActions({
            auth,
            discovery,
            config,
            permissions,
          }),
        );
      },
    });
  },
});
