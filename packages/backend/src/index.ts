/*
 * The portal's backend: catalog, TechDocs, scaffolder, Kubernetes, auth, permissions with the portal's
 * policy, and the model-publishing plugins.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// auth: the demo-users provider is for the embedded portal; production config uses a real provider.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('./modules/demoAuthProvider'));

// catalog, with InferenceServices and published endpoints from the cluster
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(
  import('@model-publishing/plugin-catalog-backend-module-model-publishing'),
);

// permissions: owners manage their own models, admins everything
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicy'));

// scaffolder, with the self-service publishing actions
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@model-publishing/plugin-scaffolder-backend-module-model-publishing'),
);

backend.add(import('@backstage/plugin-techdocs-backend'));
// published models' guides are published to TechDocs by model-publishing: never built by the portal
backend.add(
  import('@model-publishing/plugin-techdocs-backend-module-model-publishing'),
);
backend.add(import('@backstage/plugin-kubernetes-backend'));
// users get only pod logs and events through its proxy (it acts with the backend's cluster identity)
backend.add(import('./modules/kubernetesProxyGuard'));
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
// notifications: model-publishing tells owners about access requests and consumers about decisions
backend.add(import('@backstage/plugin-notifications-backend'));

// model publishing
backend.add(import('@model-publishing/plugin-model-publishing-backend'));
// the actions model-publishing registers for AI agents, served over MCP at /api/mcp-actions/v1
// (backend.actions.pluginSources names the plugins whose actions it serves)
backend.add(import('@backstage/plugin-mcp-actions-backend'));
// the embedded portal's cluster (only when `kubeEmulator` is configured), given to model-publishing as a cluster
backend.add(import('./modules/kubeEmulator'));

// the embedded portal's local gateway (only when `gatewayEmulator` is configured)
backend.add(import('./modules/gatewayEmulator'));

backend.start();
