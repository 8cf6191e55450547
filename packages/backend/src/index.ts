/*
 * The portal's backend: catalog, TechDocs, scaffolder, Kubernetes, auth, permissions with the portal's
 * policy, and the model-publishing plugins.
 */
import { createBackend } from '@backstage/backend-defaults';

/** The portal's features, in the order they are added. */
const features = [
  import('@backstage/plugin-app-backend'),
  import('@backstage/plugin-proxy-backend'),

  // auth: the demo-users provider is for the embedded portal; production config uses a real provider.
  import('@backstage/plugin-auth-backend'),
  import('@backstage/plugin-auth-backend-module-guest-provider'),
  import('./modules/demoAuthProvider'),

  // catalog, with InferenceServices and published endpoints from the cluster
  import('@backstage/plugin-catalog-backend'),
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
  import('@backstage/plugin-catalog-backend-module-logs'),
  import('@model-publishing/plugin-catalog-backend-module-model-publishing'),

  // permissions: owners manage their own models, admins everything
  import('@backstage/plugin-permission-backend'),
  import('./modules/permissionPolicy'),

  // scaffolder, with the self-service publishing actions
  import('@backstage/plugin-scaffolder-backend'),
  import('@model-publishing/plugin-scaffolder-backend-module-model-publishing'),

  import('@backstage/plugin-techdocs-backend'),
  // published models' guides are published to TechDocs by model-publishing: never built by the portal
  import('@model-publishing/plugin-techdocs-backend-module-model-publishing'),
  import('@backstage/plugin-kubernetes-backend'),
  // users get only pod logs and events through its proxy (it acts with the backend's cluster identity)
  import('./modules/kubernetesProxyGuard'),
  import('@backstage/plugin-user-settings-backend'),
  import('@backstage/plugin-signals-backend'),
  // notifications: model-publishing tells owners about access requests and consumers about decisions
  import('@backstage/plugin-notifications-backend'),

  // model publishing
  import('@model-publishing/plugin-model-publishing-backend'),
  // the actions model-publishing registers for AI agents, served over MCP at /api/mcp-actions/v1
  // (backend.actions.pluginSources names the plugins whose actions it serves)
  import('@backstage/plugin-mcp-actions-backend'),
  // the embedded portal's cluster (only when `kubeEmulator` is configured), given to model-publishing as a cluster
  import('./modules/kubeEmulator'),
  // the embedded portal's local gateway (only when `gatewayEmulator` is configured)
  import('./modules/gatewayEmulator'),
];

const backend = createBackend();
features.forEach(feature => backend.add(feature));
backend.start();
