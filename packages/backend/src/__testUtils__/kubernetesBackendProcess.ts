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
import type { AddressInfo } from 'node:net';

export interface KubernetesBackendInput {
  config: JsonObject;
  entities: Entity[];
}

process.once('message', async (input: KubernetesBackendInput) => {
  try {
    const { server } = await startTestBackend({
      features: [
        kubernetesPlugin,
        catalogServiceMock.factory({ entities: input.entities }),
        mockServices.rootConfig.factory({ data: input.config }),
      ],
    });
    process.send!({ port: (server.address() as AddressInfo).port });
  } catch (e) {
    process.send!({ error: String((e as Error)?.stack ?? e) });
  }
});
process.on('disconnect', () => process.exit(0));
