import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * Asks the permission policy, with the initiator's credentials, whether they may do what a dry run
 * previews — the same decision the backend makes on the real call, without writing anything.
 */
export async function assertAllowed(
  permissions: PermissionsService | undefined,
  credentials: BackstageCredentials,
  permission: ResourcePermission<'catalog-entity'>,
  entityRef: string,
  verb: string,
): Promise<void> {
  if (!permissions) return;
  const [decision] = await permissions.authorize(
    [{ permission, resourceRef: entityRef }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `You are not allowed to ${verb} ${entityRef}: the permission policy denies ${permission.name}`,
    );
  }
}
