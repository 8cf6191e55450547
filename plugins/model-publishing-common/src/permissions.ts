import {
  createPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { AuditAction } from './types';

/**
 * Every permission is scoped to the model's catalog entity, so policies can use the catalog's own
 * rules (e.g. `isEntityOwner`) to decide (docs/design.md §5).
 */
const resourceType = 'catalog-entity';

export const publicationReadPermission = createPermission({
  name: 'model-publishing.publication.read',
  attributes: { action: 'read' },
  resourceType,
});
export const publicationCreatePermission = createPermission({
  name: 'model-publishing.publication.create',
  attributes: { action: 'create' },
  resourceType,
});
export const publicationUpdatePermission = createPermission({
  name: 'model-publishing.publication.update',
  attributes: { action: 'update' },
  resourceType,
});
export const publicationDeletePermission = createPermission({
  name: 'model-publishing.publication.delete',
  attributes: { action: 'delete' },
  resourceType,
});
export const keyCreatePermission = createPermission({
  name: 'model-publishing.key.create',
  attributes: { action: 'create' },
  resourceType,
});
export const keyRotatePermission = createPermission({
  name: 'model-publishing.key.rotate',
  attributes: { action: 'update' },
  resourceType,
});
export const keyRevokePermission = createPermission({
  name: 'model-publishing.key.revoke',
  attributes: { action: 'delete' },
  resourceType,
});
export const usageReadPermission = createPermission({
  name: 'model-publishing.usage.read',
  attributes: { action: 'read' },
  resourceType,
});
export const auditReadPermission = createPermission({
  name: 'model-publishing.audit.read',
  attributes: { action: 'read' },
  resourceType,
});

/** Ask for access to a published model (portal policy: everyone signed in). */
export const accessRequestPermission = createPermission({
  name: 'model-publishing.access.request',
  attributes: { action: 'create' },
  resourceType,
});
/** Decide access requests and manage consumers' keys of a model (portal policy: owners, admins). */
export const accessApprovePermission = createPermission({
  name: 'model-publishing.access.approve',
  attributes: { action: 'update' },
  resourceType,
});

/**
 * See every consumer's costs and set budgets (portal policy: admins; basic, so the policy's owner rule does
 * not apply). Without it, the costs page shows the caller's own groups' subtrees.
 */
export const costsAdminPermission = createPermission({
  name: 'model-publishing.costs.admin',
  attributes: { action: 'update' },
});

/**
 * Report a leaked key by hand, by the key or its id, whichever model it belongs to (portal policy: admins;
 * basic, since the reporter need not know whose key it is). GitHub's own reports need no permission: their
 * signature is their authentication.
 */
export const keyLeakReportPermission = createPermission({
  name: 'model-publishing.key.leak-report',
  attributes: { action: 'update' },
});

/** All model-publishing permissions, for registration with the permissions registry. */
export const modelPublishingPermissions = [
  publicationReadPermission,
  publicationCreatePermission,
  publicationUpdatePermission,
  publicationDeletePermission,
  keyCreatePermission,
  keyRotatePermission,
  keyRevokePermission,
  usageReadPermission,
  auditReadPermission,
  accessRequestPermission,
  accessApprovePermission,
  costsAdminPermission,
  keyLeakReportPermission,
];

/** Permissions that change something; only owners and admins get these from the demo policy. */
export const modelPublishingManagePermissions =
  modelPublishingPermissions.filter(p => p.attributes.action !== 'read');

/**
 * The permission each audited action on a model needs on the model's entity (the backend's model routes
 * and agents' actions authorize it and audit a denial as the action). Setting a key's description and
 * limits (key.update) is the right that set them at creation.
 */
export const modelActionPermissions = {
  'publication.read': publicationReadPermission,
  'publication.create': publicationCreatePermission,
  'publication.update': publicationUpdatePermission,
  'publication.deprecate': publicationUpdatePermission,
  'publication.undeprecate': publicationUpdatePermission,
  'publication.delete': publicationDeletePermission,
  'usage.read': usageReadPermission,
  'audit.read': auditReadPermission,
  'key.create': keyCreatePermission,
  'key.update': keyCreatePermission,
  'key.rotate': keyRotatePermission,
  'key.revoke': keyRevokePermission,
  'access.request': accessRequestPermission,
  'access.approve': accessApprovePermission,
  'access.suspend': accessApprovePermission,
  'access.resume': accessApprovePermission,
  'access.revoke': accessApprovePermission,
} as const satisfies Partial<
  Record<AuditAction, ResourcePermission<typeof resourceType>>
>;
