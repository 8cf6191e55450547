import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { ANNOTATION_INFERENCE_SERVICE } from '@internal/plugin-model-publishing-common';
// A test-only devDependency: the integration test runs the real backend plugin beside the module.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import modelPublishingPlugin from '@internal/plugin-model-publishing-backend';
import { contextFor } from './__testUtils__/harness';
import { OWNER, STRANGER } from './__testUtils__/stubBackend';
import { scaffolderModuleModelPublishing } from './module';

/**
 * The actions against the real model-publishing backend plugin (its router, permissions, saga and an
 * embedded Kubernetes emulator), all in one test backend: proves the client speaks the real contract.
 */
const SEED = `
apiVersion: v1
kind: Namespace
metadata: { name: ml }
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: sklearn-iris, namespace: ml }
spec:
  predictor:
    model:
      modelFormat: { name: sklearn }
      storageUri: gs://kfserving-examples/models/sklearn/1.0/model
status:
  url: http://sklearn-iris.ml.example.com
  conditions:
    - { type: Ready, status: 'True', lastTransitionTime: '2026-11-26T10:00:00Z' }
`;

describe('actions against the real model-publishing backend', () => {
  let actions: Record<string, TemplateAction<any, any, any>>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-scaffolder-it-'));
    writeFileSync(join(dir, 'seed.yaml'), SEED);
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(
      async (requests, { credentials }) =>
        requests.map(r => ({
          result:
            (credentials.principal as { userEntityRef?: string })
              .userEntityRef === OWNER ||
            r.permission.attributes.action === 'read'
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        })) as any,
    );
    const registered: TemplateAction<any, any, any>[] = [];
    const backend = await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          {
            addActions: (...a: TemplateAction<any, any, any>[]) =>
              registered.push(...a),
          },
        ],
      ],
      features: [
        modelPublishingPlugin,
        scaffolderModuleModelPublishing,
        permissions.factory,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'sklearn-iris',
                namespace: 'default',
                annotations: {
                  [ANNOTATION_INFERENCE_SERVICE]: 'ml/sklearn-iris',
                },
              },
              spec: {
                type: 'inference-service',
                owner: 'group:default/fraud-detection',
                lifecycle: 'production',
              },
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.test' },
            modelPublishing: {
              clusters: [{ name: 'local', emulator: { seed: dir } }],
              gateway: {
                name: 'public-gateway',
                namespace: 'envoy-gateway-system',
                publicBaseUrl: 'https://models.example.com',
                llmHostnameTemplate: '{name}-{namespace}.llm.example.com',
                rateLimitMode: 'global',
              },
              reconciler: { enabled: false },
            },
          },
        }),
      ],
    });
    stop = () => backend.stop();
    actions = Object.fromEntries(registered.map(a => [a.id.split(':')[1], a]));
  }, 60_000);
  afterAll(() => stop?.());

  const ref = 'component:default/sklearn-iris';

  it('a non-owner is refused with a clear message', async () => {
    const error = await actions.publish
      .handler(
        contextFor(
          { entityRef: ref, rateLimits: { requestsPerMinute: 60 } },
          { user: STRANGER },
        ).ctx,
      )
      .catch(e => e);
    expect(error?.name).toBe('NotAllowedError');
    expect(error.message).toMatch(
      /^You are not allowed to publish component:default\/sklearn-iris: /,
    );
    // Nothing was created: the owner's read-only check finds no publication.
    const check = await actions.unpublish
      .handler(contextFor({ entityRef: ref }, { isDryRun: true }).ctx)
      .catch(e => e);
    expect(check?.message).toBe(
      'component:default/sklearn-iris is not published, so there is nothing to unpublish',
    );
  });

  it('dry run, publish, update and unpublish as the owner', async () => {
    const dry = contextFor(
      { entityRef: ref, rateLimits: { requestsPerMinute: 60 } },
      { isDryRun: true },
    );
    await actions.publish.handler(dry.ctx);
    expect(dry.logText()).toContain('HTTPRoute sklearn-iris-mp');

    const pub = contextFor({
      entityRef: ref,
      rateLimits: { requestsPerMinute: 60 },
      keyName: 'app',
    });
    await actions.publish.handler(pub.ctx);
    expect(pub.outputs()).toMatchObject({
      endpointUrl: expect.stringContaining('https://models.example.com/'),
      publicationId: expect.any(String),
      publishTabUrl:
        'http://portal.test/catalog/default/component/sklearn-iris/publish',
    });

    const upd = contextFor({
      entityRef: ref,
      rateLimits: { requestsPerMinute: 120 },
    });
    await actions.update.handler(upd.ctx);
    expect(upd.outputs().publicationId).toBe(pub.outputs().publicationId);

    const un = contextFor({ entityRef: ref });
    await actions.unpublish.handler(un.ctx);
    expect(un.outputs().status).toBe('unpublished');
    for (const c of [dry, pub, upd, un]) {
      expect(c.logText() + JSON.stringify(c.outputs())).not.toMatch(
        /mpk_[A-Za-z0-9]/,
      );
    }
  }, 60_000);
});
