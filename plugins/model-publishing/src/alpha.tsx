import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
  EntityContextMenuItemBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntityTabLink } from './components/common/useEntityTabLink';
import CloudUploadIcon from '@material-ui/icons/CloudUpload';
import {
  ANNOTATION_INFERENCE_SERVICE,
  isInferenceServiceEntity,
} from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingApiRef } from './api/ModelPublishingApi';
import { ModelPublishingClient } from './api/ModelPublishingClient';
import { ModelAccessClient, modelAccessApiRef } from './api/ModelAccessApi';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
import MonetizationOnIcon from '@material-ui/icons/MonetizationOn';
import { ModelCostsClient, modelCostsApiRef } from './api/ModelCostsApi';

export { modelPublishingTranslationRef } from './translation';

/** Route of the published-models page (`/model-publishing`). */
export const modelPublishingRouteRef = createRouteRef();

const modelPublishingApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: modelPublishingApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ModelPublishingClient(deps),
    }),
});

const modelAccessApi = ApiBlueprint.make({
  name: 'access',
  params: defineParams =>
    defineParams({
      api: modelAccessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ModelAccessClient(deps),
    }),
});

const modelCostsApi = ApiBlueprint.make({
  name: 'costs',
  params: defineParams =>
    defineParams({
      api: modelCostsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ModelCostsClient(deps),
    }),
});

/** Route of the costs page (`/model-costs`). */
export const modelCostsRouteRef = createRouteRef();

/** Costs per month rolled up the org graph, CSV, budgets (issue 20): everyone sees what they may. */
const costsPage = PageBlueprint.make({
  name: 'costs',
  params: {
    path: '/model-costs',
    title: 'Model costs',
    icon: <MonetizationOnIcon />,
    routeRef: modelCostsRouteRef,
    loader: () =>
      import('./components/CostsPage/CostsPage').then(m => <m.CostsPage />),
  },
});

/** Route of "My model access" (`/model-access`; `/model-access/approvals` puts owners' decisions first). */
export const modelAccessRouteRef = createRouteRef();

const myAccessPage = PageBlueprint.make({
  name: 'access',
  params: {
    path: '/model-access',
    title: 'My model access',
    icon: <VpnKeyIcon />,
    routeRef: modelAccessRouteRef,
    loader: () =>
      import('./components/MyAccessPage/MyAccessPage').then(m => (
        <m.MyAccessPage />
      )),
  },
});

/** The Access tab of a model: request access, own keys; owners decide and manage consumers. */
const accessContent = EntityContentBlueprint.make({
  name: 'access',
  params: {
    path: 'access',
    title: 'Access',
    group: 'deployment',
    filter: isInferenceServiceEntity,
    loader: () =>
      import('./components/AccessRequests/ModelAccessContent').then(m => (
        <m.ModelAccessContent />
      )),
  },
});

const publishedModelsPage = PageBlueprint.make({
  params: {
    path: '/model-publishing',
    title: 'Published models',
    // The app's nav is built from pages with a title and icon (0.18 has no separate nav-item blueprint).
    icon: <CloudUploadIcon />,
    routeRef: modelPublishingRouteRef,
    loader: () =>
      import('./components/PublishedModelsPage/PublishedModelsPage').then(m => (
        <m.PublishedModelsPage />
      )),
  },
});

const publishContent = EntityContentBlueprint.make({
  name: 'publish',
  params: {
    path: 'publish',
    title: 'Publish',
    // A tab of its own, not inside the "Deployment" menu: it is what a model's owners come for.
    filter: isInferenceServiceEntity,
    loader: () =>
      import('./components/PublishTab/PublishTab').then(m => <m.PublishTab />),
  },
});

const publishStatusCard = EntityCardBlueprint.make({
  name: 'publish-status',
  params: {
    type: 'info',
    filter: isInferenceServiceEntity,
    loader: () =>
      import(
        './components/EntityPublishStatusCard/EntityPublishStatusCard'
      ).then(m => <m.EntityPublishStatusCard />),
  },
});

const inferenceServicesCard = EntityCardBlueprint.make({
  name: 'inference-services',
  params: {
    filter: { kind: { $in: ['group', 'system'] } },
    loader: () =>
      import('./components/InferenceServicesCard/InferenceServicesCard').then(
        m => <m.InferenceServicesCard />,
      ),
  },
});

/** "Try it" on a published model's API entity page. */
const tryItCard = EntityCardBlueprint.make({
  name: 'try-it',
  params: {
    filter: {
      kind: 'api',
      'metadata.annotations.model-publishing/published-model': {
        $exists: true,
      },
    },
    loader: () =>
      import('./components/TryIt/EntityTryItCard').then(m => (
        <m.EntityTryItCard />
      )),
  },
});

/** "Publish model" in the entity's context menu, jumping to the Publish tab. */
const publishMenuItem = EntityContextMenuItemBlueprint.make({
  name: 'publish',
  params: {
    icon: <CloudUploadIcon fontSize="small" />,
    filter: {
      [`metadata.annotations.${ANNOTATION_INFERENCE_SERVICE}`]: {
        $exists: true,
      },
    },
    useProps: () => {
      const { entity } = useEntity();
      const link = useEntityTabLink()(stringifyEntityRef(entity));
      return link
        ? { title: 'Publish model', href: link }
        : { title: 'Publish model', onClick: () => {}, disabled: true };
    },
  },
});

/** The model-publishing plugin for the new frontend system (picked up by feature discovery). */
const plugin = createFrontendPlugin({
  pluginId: 'model-publishing',
  title: 'Model publishing',
  icon: <CloudUploadIcon />,
  extensions: [
    modelPublishingApi,
    modelAccessApi,
    modelCostsApi,
    publishedModelsPage,
    myAccessPage,
    costsPage,
    accessContent,
    publishContent,
    publishStatusCard,
    inferenceServicesCard,
    tryItCard,
    publishMenuItem,
  ],
  routes: {
    root: modelPublishingRouteRef,
    access: modelAccessRouteRef,
    costs: modelCostsRouteRef,
  },
});

export default plugin;
