import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { modelPublishingApiRef } from './api/ModelPublishingApi';
import { ModelPublishingClient } from './api/ModelPublishingClient';

/** Legacy (old frontend system) root route: the published-models page. */
export const rootRouteRef = createRouteRef({ id: 'model-publishing' });

/** The plugin for apps on the old frontend system. New-system apps use the default export of `/alpha`. */
export const modelPublishingPlugin = createPlugin({
  id: 'model-publishing',
  apis: [
    createApiFactory({
      api: modelPublishingApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ModelPublishingClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
});

/** Page listing every publication the user may see; mount at `/model-publishing`. */
export const ModelPublishingPage = modelPublishingPlugin.provide(
  createRoutableExtension({
    name: 'ModelPublishingPage',
    component: () =>
      import('./components/PublishedModelsPage/PublishedModelsPage').then(
        m => m.PublishedModelsPage,
      ),
    mountPoint: rootRouteRef,
  }),
);

/** Entity content for the Publish tab; guard with `isInferenceServiceEntity`. */
export const EntityModelPublishingContent = modelPublishingPlugin.provide(
  createComponentExtension({
    name: 'EntityModelPublishingContent',
    component: {
      lazy: () =>
        import('./components/PublishTab/PublishTab').then(m => m.PublishTab),
    },
  }),
);

/** Overview card: status and endpoint. */
export const EntityPublishStatusCard = modelPublishingPlugin.provide(
  createComponentExtension({
    name: 'EntityPublishStatusCard',
    component: {
      lazy: () =>
        import(
          './components/EntityPublishStatusCard/EntityPublishStatusCard'
        ).then(m => m.EntityPublishStatusCard),
    },
  }),
);

/** Group / System card: which of its InferenceServices are published. */
export const EntityInferenceServicesCard = modelPublishingPlugin.provide(
  createComponentExtension({
    name: 'EntityInferenceServicesCard',
    component: {
      lazy: () =>
        import('./components/InferenceServicesCard/InferenceServicesCard').then(
          m => m.InferenceServicesCard,
        ),
    },
  }),
);

export { createPublicationStatusColumn } from './components/PublicationStatusColumn/PublicationStatusColumn';
