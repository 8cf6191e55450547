import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import request from 'supertest';
import type { Knex } from 'knex';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_CLUSTER,
  ANNOTATION_INFERENCE_SERVICE,
  LABEL_MANAGED_BY,
  MANAGED_BY_VALUE,
  modelPublishingPermissions,
} from '@model-publishing/plugin-model-publishing-common';
import { startEmulator, type Emulator } from '@model-publishing/kube-emulator';
import * as isvcs from '../models/__testUtils__/inferenceServices';
import type { FixtureManifest } from '../models/__testUtils__/inferenceServices';
import type { KubeObject } from '../gateway/types';
import { modelPublishingPlugin } from '../plugin';
import { MANAGED_KINDS } from '../publishing/objects';
import { WATCHED_RESOURCES } from '../kubernetes/ModelWatch';
import { providerLocation } from './providerLocation';

export { providerLocation } from './providerLocation';

export const NAMESPACE = 'models';
export const CLUSTER = 'local';

/** The four demo models of issue 4 (sklearn v1, xgboost v2, Hugging Face, vLLM) and a not-ready one. */
export const DEMO_MODELS: Record<string, FixtureManifest> = {
  sklearn: isvcs.sklearnV1,
  xgboost: isvcs.xgboostV2,
  huggingface: isvcs.hfTextGeneration,
  vllm: isvcs.vllm,
};

const ready = {
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      lastTransitionTime: '2026-11-01T00:00:00Z',
    },
  ],
};
const notReady = {
  conditions: [
    {
      type: 'Ready',
      status: 'False',
      reason: 'RevisionMissing',
      message:
        'Revision "not-ready-predictor-00001" failed with message: 0/3 nodes are available: insufficient nvidia.com/gpu',
      lastTransitionTime: '2026-11-01T00:00:00Z',
    },
  ],
};

function seedObject(isvc: KubeObject, status: unknown): unknown {
  const { uid: _uid, ...metadata } = isvc.metadata;
  return {
    apiVersion: isvc.apiVersion,
    kind: isvc.kind,
    metadata,
    spec: isvc.spec,
    status,
  };
}

/** Seed: the demo models, a not-ready one, and `extraReady` (more Ready models, e.g. copies or an LLMInferenceService). */
export function seedPaths(extraReady: KubeObject[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-seed-'));
  const docs = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
    ...Object.values(DEMO_MODELS).map(m => seedObject(m, ready)),
    seedObject(
      {
        ...isvcs.sklearnV1,
        metadata: { ...isvcs.sklearnV1.metadata, name: 'not-ready' },
      },
      notReady,
    ),
    ...extraReady.map(m => seedObject(m, ready)),
  ];
  fs.writeFileSync(
    path.join(dir, 'models.yaml'),
    docs.map(d => YAML.stringify(d)).join('---\n'),
  );
  return dir;
}

/** A Component as the model-publishing catalog module emits it for a model of the test cluster. */
export function entityFor(
  name: string,
  owner = 'group:default/ml-team',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        [ANNOTATION_INFERENCE_SERVICE]: `${NAMESPACE}/${name}`,
        [ANNOTATION_CLUSTER]: CLUSTER,
        ...providerLocation(CLUSTER),
      },
    },
    spec: { type: 'model', lifecycle: 'production', owner },
  };
}

export const ALL_PERMISSIONS = modelPublishingPermissions.map(p => p.name);

export interface PluginHarness {
  emulator: Emulator;
  request: ReturnType<typeof request>;
  /** Permission names the caller is allowed; mutate per test. */
  allowed: Set<string>;
  /** Cluster writes (POST/PUT/PATCH/DELETE) recorded since the last `emulator.requests.length = 0`. */
  clusterWrites(): { method: string; path: string; status: number }[];
  /** Every object in the cluster carrying our managed-by label. */
  labelledObjects(): Promise<
    { kind: string; name: string; labels: Record<string, string> }[]
  >;
  stop(): Promise<void>;
}

export async function startPluginHarness(
  options: {
    emulator?: Emulator;
    config?: Record<string, unknown>;
    entities?: Entity[];
    knex?: Knex;
    /** More service factories, e.g. the real scheduler for scale-out tests. */
    extraFeatures?: any[];
  } = {},
): Promise<PluginHarness> {
  const emulator =
    options.emulator ?? (await startEmulator({ seed: seedPaths() }));
  const allowed = new Set(ALL_PERMISSIONS);
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(
    async requests =>
      requests.map(r => ({
        result: allowed.has(r.permission.name)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      })) as any,
  );
  const entities = options.entities ?? [
    ...Object.values(DEMO_MODELS).map(m => entityFor(m.metadata.name)),
    entityFor('not-ready'),
    entityFor('missing-isvc'),
  ];
  const backend = await startTestBackend({
    features: [
      modelPublishingPlugin,
      mockServices.rootConfig.factory({
        data: {
          modelPublishing: {
            clusters: [
              { name: CLUSTER, url: emulator.url, skipTLSVerify: true },
            ],
            gateway: {
              name: 'models-gateway',
              namespace: 'envoy-gateway-system',
              publicBaseUrl: 'https://models.example.com',
              llmHostnameTemplate: '{name}-{namespace}.llm.example.com',
            },
            reconciler: { enabled: false },
            clusterRequestTimeoutMs: 5000,
            ...options.config,
          },
        },
      }),
      catalogServiceMock.factory({ entities }),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => permissions,
      }),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      ...(options.extraFeatures ?? []),
    ],
  });
  if (options.config?.watchModels !== false) {
    // The plugin lists InferenceServices and runtimes for its watches in the background (kubernetes/ModelWatch): let that
    // list land before a test starts counting the cluster requests its own calls cause.
    const lists = WATCHED_RESOURCES.map(
      r => `/apis/${r.group}/${r.version}/${r.plural}`,
    );
    const listed = () =>
      lists.every(list =>
        emulator.requests.some(r => r.method === 'GET' && r.path === list),
      );
    for (const until = Date.now() + 10_000; !listed(); ) {
      if (Date.now() > until)
        throw new Error('the InferenceService watch never listed the emulator');
      await new Promise(r => setTimeout(r, 5));
    }
  }
  return {
    emulator,
    request: request(backend.server),
    allowed,
    clusterWrites: () =>
      emulator.requests
        .filter(r => r.method !== 'GET')
        .map(r => ({ method: r.method, path: r.path, status: r.status })),
    async labelledObjects() {
      const out: {
        kind: string;
        name: string;
        labels: Record<string, string>;
      }[] = [];
      for (const { apiVersion, kind } of MANAGED_KINDS) {
        const type = (emulator.api as any).registry.forKind(apiVersion, kind);
        const list = emulator.api.list(type, undefined, {
          labelSelector: `${LABEL_MANAGED_BY}=${MANAGED_BY_VALUE}`,
        } as any);
        for (const item of list.items)
          out.push({
            kind,
            name: item.metadata.name,
            labels: item.metadata.labels,
          });
      }
      return out;
    },
    async stop() {
      await backend.stop();
      if (!options.emulator) await emulator.close();
    },
  };
}
