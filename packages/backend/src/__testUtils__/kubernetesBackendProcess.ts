/*
 * Test helper for kubernetes.test.ts, run as a child Node process (never imported by the portal).
 *
 * The Kubernetes backend loads @kubernetes/client-node with a dynamic import(), which Jest's module
 * sandbox refuses ("A dynamic import callback was invoked without --experimental-vm-modules"). So the
 * test builds its config and catalog entities, sends them here over IPC, and talks HTTP to the real
 * plugin running in a real Node process. Answers `{ port }` once listening; exits when the parent goes.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { AddressInfo } from 'node:net';
import portalPolicy from '../modules/permissionPolicy';
import kubernetesProxyGuard from '../modules/kubernetesProxyGuard';

export interface KubernetesBackendInput {
  config: JsonObject;
  entities: Entity[];
  /**
   * `portal`: permissions enabled and decided by the permission backend with the portal's policy, and the
   * proxy guard, as in packages/backend; `deny`: every permission denied. Default: permissions disabled (everything allowed).
   */
  permissions?: 'portal' | 'deny';
}

function permissionFeatures(input: KubernetesBackendInput) {
  switch (input.permissions) {
    case 'portal':
      return [permissionPlugin, portalPolicy, kubernetesProxyGuard];
    case 'deny':
      return [
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ];
    default:
      return [];
  }
}

process.once('message', async (input: KubernetesBackendInput) => {
  try {
    const config: JsonObject =
      input.permissions === 'portal'
        ? { permission: { enabled: true }, ...input.config }
        : input.config;
    const { server } = await startTestBackend({
      features: [
        kubernetesPlugin,
        catalogServiceMock.factory({ entities: input.entities }),
        mockServices.rootConfig.factory({ data: config }),
        ...permissionFeatures(input),
      ],
    });
    process.send!({ port: (server.address() as AddressInfo).port });
  } catch (e) {
    process.send!({ error: String((e as Error)?.stack ?? e) });
  }
});
process.on('disconnect', () => process.exit(0));
