import { usePermission } from '@backstage/plugin-permission-react';
import {
  auditReadPermission,
  keyCreatePermission,
  keyRevokePermission,
  keyRotatePermission,
  publicationCreatePermission,
  publicationDeletePermission,
  publicationReadPermission,
  publicationUpdatePermission,
  usageReadPermission,
} from '@model-publishing/plugin-model-publishing-common';

export type ModelAction =
  | 'read'
  | 'create'
  | 'update'
  | 'delete'
  | 'keyCreate'
  | 'keyRotate'
  | 'keyRevoke'
  | 'usage'
  | 'audit';

export interface ModelPermissions {
  loading: boolean;
  allowed: Record<ModelAction, boolean>;
}

/** What the signed-in user may do with the model whose catalog entity is `entityRef`. */
export function useModelPermissions(
  entityRef: string | undefined,
): ModelPermissions {
  const resourceRef = entityRef;
  const results = {
    read: usePermission({ permission: publicationReadPermission, resourceRef }),
    create: usePermission({
      permission: publicationCreatePermission,
      resourceRef,
    }),
    update: usePermission({
      permission: publicationUpdatePermission,
      resourceRef,
    }),
    delete: usePermission({
      permission: publicationDeletePermission,
      resourceRef,
    }),
    keyCreate: usePermission({ permission: keyCreatePermission, resourceRef }),
    keyRotate: usePermission({ permission: keyRotatePermission, resourceRef }),
    keyRevoke: usePermission({ permission: keyRevokePermission, resourceRef }),
    usage: usePermission({ permission: usageReadPermission, resourceRef }),
    audit: usePermission({ permission: auditReadPermission, resourceRef }),
  };
  const allowed = Object.fromEntries(
    Object.entries(results).map(([action, result]) => [action, result.allowed]),
  ) as Record<ModelAction, boolean>;
  return { loading: Object.values(results).some(r => r.loading), allowed };
}

/** Tooltip text for a disabled control. */
export function deniedReason(what: string, loading: boolean): string {
  return loading
    ? 'Checking your permissions…'
    : `You don't have permission to ${what} for this model: only its owners and admins may.`;
}
