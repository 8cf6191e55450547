import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startEmulator } from '@model-publishing/kube-emulator';
import {
  ANNOTATION_CLUSTER,
  ANNOTATION_INFERENCE_SERVICE,
  modelPublishingLocationKey,
} from '@model-publishing/plugin-model-publishing-common';
// A test-only devDependency: the integration tests run the real backend plugin beside the module.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import modelPublishingPlugin from '@model-publishing/plugin-model-publishing-backend';
import { scaffolderModuleModelPublishing } from '../module';
import { ownerPolicy } from './harness';

/** The one model the real backend serves: a ready sklearn InferenceService, owned by a group. */
export const MODEL_REF = 'component:default/sklearn-iris';

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

const MODEL_ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'sklearn-iris',
    namespace: 'default',
    // As the model-publishing catalog module emits it: the backend trusts no other entity for a model.
    annotations: {
      [ANNOTATION_INFERENCE_SERVICE]: 'ml/sklearn-iris',
      [ANNOTATION_CLUSTER]: 'local',
      'backstage.io/managed-by-location': modelPublishingLocationKey('local'),
      'backstage.io/managed-by-origin-location':
        modelPublishingLocationKey('local'),
    },
  },
  spec: {
    type: 'inference-service',
    owner: 'group:default/fraud-detection',
    lifecycle: 'production',
  },
};

type TestBackendOptions = Parameters<typeof startTestBackend>[0];

/**
 * The real model-publishing backend plugin (router, permissions, saga, against a Kubernetes
 * emulator seeded with the model) and this module in one test backend, under the owner policy
 * (`allow` as in ownerPolicy). `features` adds plugins such as the scaffolder; `entities` adds
 * catalog entities beside the model. `stop` stops the backend and the emulator and deletes the
 * emulator's temporary seed folder.
 */
export async function startRealBackend(options: {
  allow: Parameters<typeof ownerPolicy>[0];
  features?: TestBackendOptions['features'];
  extensionPoints?: TestBackendOptions['extensionPoints'];
  entities?: Entity[];
}) {
  const seedDir = mkdtempSync(join(tmpdir(), 'mp-scaffolder-it-'));
  const removeSeed = () => rmSync(seedDir, { recursive: true, force: true });
  writeFileSync(join(seedDir, 'seed.yaml'), SEED);
  const emulator = await startEmulator({ seed: seedDir }).catch(error => {
    removeSeed();
    throw error;
  });
  const cleanUp = async () => {
    try {
      await emulator.close();
    } finally {
      removeSeed();
    }
  };
  const backend = await startTestBackend({
    extensionPoints: options.extensionPoints,
    features: [
      ...(options.features ?? []),
      modelPublishingPlugin,
      scaffolderModuleModelPublishing,
      ownerPolicy(options.allow).factory,
      catalogServiceMock.factory({
        entities: [...(options.entities ?? []), MODEL_ENTITY],
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://portal.test' },
          modelPublishing: {
            clusters: [
              { name: 'local', url: emulator.url, skipTLSVerify: true },
            ],
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
  }).catch(async error => {
    await cleanUp();
    throw error;
  });
  return {
    server: backend.server,
    /** The seed folder, removed by `stop`. */
    seedDir,
    stop: async () => {
      try {
        await backend.stop();
      } finally {
        await cleanUp();
      }
    },
  };
}
