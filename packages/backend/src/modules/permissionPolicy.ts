import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  createScaffolderTaskConditionalDecision,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import { InputError } from '@backstage/errors';
import {
  accessRequestPermission,
  publicationReadPermission,
} from '@model-publishing/plugin-model-publishing-common';

const MODEL_PUBLISHING_PREFIX = 'model-publishing.';
/**
 * `kubernetesProxyPermission` of @backstage/plugin-kubernetes-common: the Kubernetes tab's pod logs,
 * and any request (writes too, e.g. deleting a pod) forwarded with the backend's own cluster identity.
 */
const KUBERNETES_PROXY = 'kubernetes.proxy';
/** Beyond pod logs and events through that proxy (Secrets, writes): modules/kubernetesProxyGuard.ts. */
const KUBERNETES_PROXY_UNRESTRICTED = 'kubernetes.proxy.unrestricted';

/** Other plugins' permissions that change what everyone sees: admins only (registering, unregistering). */
const ADMIN_ONLY = new Set([
  'catalog.entity.create',
  'catalog.location.create',
  'catalog.location.delete',
  'scaffolder.template.management',
]);
/** Catalog entity permissions a user may use on entities they own (directly or through a group). */
const OWN_ENTITIES_ONLY = new Set(['catalog.entity.delete']);
/** Scaffolder task permissions a user may use on tasks they started (the task's output may hold a key). */
const OWN_TASKS_ONLY = new Set([
  'scaffolder.task.read',
  'scaffolder.task.cancel',
]);

/** Allows `permission` on the entities `claims` own, directly or through a group (the catalog evaluates it). */
function onOwnedEntities(
  permission: ResourcePermission<'catalog-entity'>,
  claims: string[],
): PolicyDecision {
  return createCatalogConditionalDecision(
    permission,
    catalogConditions.isEntityOwner({ claims }),
  );
}

export interface PortalPolicyOptions {
  /** Who may use the Kubernetes backend's proxy. Default `admins`. */
  kubernetesProxy?: 'admins' | 'everyone';
}

/**
 * The portal's policy:
 * - members of an admin group (config `permission.modelPublishing.adminGroups`, default
 *   `group:default/admins`) may do everything;
 * - anyone signed in may read the catalog, use TechDocs and templates, and see which models are
 *   published (`model-publishing.publication.read`), and request access to one
 *   (`model-publishing.access.request`);
 * - every other model-publishing permission (publish, update, unpublish, keys, usage, audit,
 *   deciding access requests and managing consumers: `model-publishing.access.approve`) is
 *   allowed only on entities the user owns, directly or through a group (the catalog's `isEntityOwner`
 *   rule, evaluated by the catalog as a conditional decision);
 * - a service calling on its own behalf (no user) may only read; the scaffolder acts on behalf of users;
 * - the Kubernetes proxy (`kubernetes.proxy`) is for admins unless configured for everyone
 *   (`permission.modelPublishing.kubernetesProxy`): it acts with the backend's cluster credentials, so
 *   users get only pod logs and events through it; the rest (`kubernetes.proxy.unrestricted`: Secrets,
 *   writes) is for admins (modules/kubernetesProxyGuard.ts);
 * - other plugins: least privilege (`otherPlugins`).
 */
export class ModelPublishingPortalPolicy implements PermissionPolicy {
  constructor(
    private readonly adminGroups: string[],
    private readonly options: PortalPolicyOptions = {},
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (claims.some(ref => this.adminGroups.includes(ref))) {
      return { result: AuthorizeResult.ALLOW };
    }
    const { permission } = request;
    if (permission.name === KUBERNETES_PROXY) {
      return {
        result:
          user && this.options.kubernetesProxy === 'everyone'
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      };
    }
    if (permission.name === KUBERNETES_PROXY_UNRESTRICTED) {
      return { result: AuthorizeResult.DENY };
    }
    if (!permission.name.startsWith(MODEL_PUBLISHING_PREFIX)) {
      return this.otherPlugins(request, claims, user);
    }
    if (permission.name === publicationReadPermission.name) {
      return { result: AuthorizeResult.ALLOW };
    }
    // Anyone signed in may ask for access to a model; its owners decide (access.approve, below).
    if (permission.name === accessRequestPermission.name) {
      return { result: user ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (!user || !isResourcePermission(permission, 'catalog-entity')) {
      return { result: AuthorizeResult.DENY };
    }
    return onOwnedEntities(permission, claims);
  }

  /**
   * Other plugins, least privilege (issue 14, finding 10): anyone signed in reads the catalog, TechDocs
   * and templates and runs templates; registering and unregistering locations is for admins; deleting an
   * entity for its owners; a scaffolder task (whose output may hold a key) is readable and cancellable by
   * the user who started it. A service calling without a user is left to Backstage (it skips the policy).
   */
  private otherPlugins(
    request: PolicyQuery,
    claims: string[],
    user?: PolicyQueryUser,
  ): PolicyDecision {
    const { permission } = request;
    if (!user) return { result: AuthorizeResult.ALLOW };
    if (ADMIN_ONLY.has(permission.name))
      return { result: AuthorizeResult.DENY };
    if (
      OWN_ENTITIES_ONLY.has(permission.name) &&
      isResourcePermission(permission, 'catalog-entity')
    ) {
      return onOwnedEntities(permission, claims);
    }
    if (
      OWN_TASKS_ONLY.has(permission.name) &&
      isResourcePermission(permission, 'scaffolder-task')
    ) {
      return createScaffolderTaskConditionalDecision(
        permission,
        scaffolderTaskConditions.isTaskOwner({
          createdBy: [user.info.userEntityRef],
        }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'model-publishing-portal-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        const adminGroups = config.getOptionalStringArray(
          'permission.modelPublishing.adminGroups',
        ) ?? ['group:default/admins'];
        const kubernetesProxy =
          config.getOptionalString(
            'permission.modelPublishing.kubernetesProxy',
          ) ?? 'admins';
        if (kubernetesProxy !== 'admins' && kubernetesProxy !== 'everyone') {
          throw new InputError(
            `permission.modelPublishing.kubernetesProxy must be admins or everyone, got '${kubernetesProxy}'`,
          );
        }
        policy.setPolicy(
          new ModelPublishingPortalPolicy(adminGroups, { kubernetesProxy }),
        );
      },
    });
  },
});
