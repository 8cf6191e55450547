// The dry run and publish decide from the cluster, not from assumptions (issue 19): KServe's
// inferenceservice-config, an LLMInferenceService's workload Service and scheduler, the policies
// around the route and the other models of the namespace — read through the real HTTP stack from the
// Kubernetes emulator, and every object of the dry run checked against every row of the support matrix.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createSchemaValidator,
  loadCrdMatrix,
  startEmulator,
} from '@model-publishing/kube-emulator';
import { ANNOTATION_RESOURCE_KIND } from '@model-publishing/plugin-model-publishing-common';
import {
  entityFor,
  NAMESPACE,
  PluginHarness,
  seedPaths,
  startPluginHarness,
} from '../__testUtils__/harness';
import {
  llmWithScheduler,
  serverlessSklearn,
  workloadService,
} from '../gateway/__testUtils__/kserveModes';
import * as isvcs from '../models/__testUtils__/inferenceServices';
import type { KubeObject } from '../gateway/types';

jest.setTimeout(180_000);

const auth = {
  Authorization: mockCredentials.user.header('user:default/alice'),
};
const API = '/api/model-publishing';
const byEntity = (name: string) => `${API}/entities/component/default/${name}`;

const inNamespace = (o: KubeObject, name = o.metadata.name): KubeObject => {
  const { uid: _uid, ...metadata } = o.metadata;
  return { ...o, metadata: { ...metadata, name, namespace: NAMESPACE } };
};
// kserve v0.20 workload.go: the workload Service of an LLMInferenceService, HTTPS with enableLLMInferenceServiceTLS.
const llm = inNamespace(llmWithScheduler(), 'qwen-tls');
const llmService = inNamespace(
  workloadService('https'),
  'qwen-tls-kserve-workload-svc',
);
// A Serverless (Knative) predictor; the cluster's inferenceservice-config says Serverless by default too.
const knative = inNamespace(serverlessSklearn(), 'fraud-knative');
// A model named like the publication objects of another ("<x>-mp"): kserve names its HTTPRoutes after it.
const taken = inNamespace(isvcs.sklearnV1, 'scorer');
const squatter = inNamespace(isvcs.sklearnV1, 'scorer-mp');
const kserveConfig = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'inferenceservice-config', namespace: 'kserve' },
  data: {
    deploy: '{"defaultDeploymentMode": "Serverless"}',
    ingress:
      '{"ingressDomain": "example.com", "enableLLMInferenceServiceTLS": true}',
  },
};
// A Gateway-wide SecurityPolicy (kept, merged with ours) and one already on a route we would create.
const gatewayPolicy = {
  apiVersion: 'gateway.envoyproxy.io/v1alpha1',
  kind: 'SecurityPolicy',
  metadata: { name: 'gateway-cors', namespace: 'envoy-gateway-system' },
  spec: {
    targetRefs: [
      {
        group: 'gateway.networking.k8s.io',
        kind: 'Gateway',
        name: 'models-gateway',
      },
    ],
    cors: { allowOrigins: ['https://portal.example.com'] },
  },
};
const foreignRoutePolicy = {
  apiVersion: 'gateway.envoyproxy.io/v1alpha1',
  kind: 'BackendTrafficPolicy',
  metadata: { name: 'someone-elses', namespace: NAMESPACE },
  spec: {
    targetRefs: [
      {
        group: 'gateway.networking.k8s.io',
        kind: 'HTTPRoute',
        name: 'guarded-mp',
      },
    ],
    timeout: { http: { requestTimeout: '5s' } },
  },
};
// Standard mode by its own annotation (the legacy name), whatever the cluster's default.
const guarded = inNamespace(
  {
    ...isvcs.sklearnV1,
    metadata: {
      ...isvcs.sklearnV1.metadata,
      annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' },
    },
  },
  'guarded',
);

function seedDir(objects: unknown[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-serving-'));
  fs.writeFileSync(
    path.join(dir, 'serving.yaml'),
    objects.map(o => YAML.stringify(o)).join('---\n'),
  );
  return dir;
}

describe('dry run and publish read how KServe serves the model', () => {
  let h: PluginHarness;
  const rows = loadCrdMatrix().map(r => ({
    id: r.id,
    validator: createSchemaValidator(r.crds),
  }));

  function expectValidInEveryRow(objects: KubeObject[]) {
    for (const row of rows) {
      for (const o of objects) {
        expect({
          row: row.id,
          kind: o.kind,
          errors: row.validator.validate(o).errors,
        }).toEqual({
          row: row.id,
          kind: o.kind,
          errors: [],
        });
      }
    }
  }

  beforeAll(async () => {
    const emulator = await startEmulator({
      seed: [
        seedPaths([taken, squatter, guarded]),
        seedDir([
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kserve' } },
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: 'envoy-gateway-system' },
          },
          kserveConfig,
          llm,
          llmService,
          knative,
          gatewayPolicy,
          foreignRoutePolicy,
        ]),
      ],
    });
    const llmEntity = entityFor('qwen-tls');
    llmEntity.metadata.annotations = {
      ...llmEntity.metadata.annotations,
      [ANNOTATION_RESOURCE_KIND]: 'LLMInferenceService',
    };
    h = await startPluginHarness({
      emulator,
      entities: ['fraud-knative', 'scorer', 'guarded']
        .map(n => entityFor(n))
        .concat(llmEntity),
    });
  });
  afterAll(async () => {
    await h?.stop();
    await h?.emulator.close();
  });

  it('an LLMInferenceService with a scheduler whose workload speaks TLS: HTTPS to the workload Service, the bypassed scheduler said', async () => {
    const res = await h.request
      .post(`${byEntity('qwen-tls')}/publication/dry-run`)
      .set(auth)
      .send({ rateLimits: { requestsPerMinute: 60, tokensPerMinute: 10000 } });
    expect(res.status).toBe(200);
    const backend = res.body.objects.find(
      (o: KubeObject) => o.kind === 'Backend',
    );
    expect(backend.spec.endpoints).toEqual([
      {
        fqdn: {
          hostname: `qwen-tls-kserve-workload-svc.${NAMESPACE}.svc.cluster.local`,
          port: 8000,
        },
      },
    ]);
    expect(backend.spec.tls).toMatchObject({
      sni: `qwen-tls-kserve-workload-svc.${NAMESPACE}.svc.cluster.local`,
    });
    expect(res.body.notes.join('\n')).toMatch(/over HTTPS/);
    expect(res.body.notes.join('\n')).toMatch(
      /scheduler bypassed: InferencePool qwen-llmd-inference-pool exists \(from status.router.scheduler.inferencePool\)/,
    );
    expectValidInEveryRow(res.body.objects);
  });

  it('a Serverless (Knative) predictor: through the Knative gateway by Host header, decided from the cluster', async () => {
    const res = await h.request
      .post(`${byEntity('fraud-knative')}/publication/dry-run`)
      .set(auth)
      .send({ rateLimits: { requestsPerMinute: 60 } });
    expect(res.status).toBe(200);
    expect(res.body.notes.join('\n')).toMatch(/deployment mode Knative/);
    const route = res.body.objects.find(
      (o: KubeObject) => o.kind === 'HTTPRoute',
    );
    expect(JSON.stringify(route.spec.rules)).toContain(
      'fraud-knative-predictor',
    );
    expectValidInEveryRow(res.body.objects);
  });

  it('a Gateway-wide policy is merged into ours (mergeType) and the dry run says what applies', async () => {
    const res = await h.request
      .post(`${byEntity('fraud-knative')}/publication/dry-run`)
      .set(auth)
      .send({ rateLimits: { requestsPerMinute: 60 } });
    const security = res.body.objects.find(
      (o: KubeObject) => o.kind === 'SecurityPolicy',
    );
    expect(security.spec.mergeType).toBe('StrategicMerge');
    expect(res.body.notes.join('\n')).toMatch(
      /SecurityPolicy envoy-gateway-system\/gateway-cors targets the Gateway.*applies as it is: cors/,
    );
  });

  it('a foreign policy already on the route we would create is refused, naming it, and nothing is written', async () => {
    h.emulator.requests.length = 0;
    const res = await h.request
      .post(`${byEntity('guarded')}/publication`)
      .set(auth)
      .send({ rateLimits: { requestsPerMinute: 60 } });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(
      `BackendTrafficPolicy ${NAMESPACE}/someone-elses already targets HTTPRoute ${NAMESPACE}/guarded-mp`,
    );
    expect(h.clusterWrites()).toEqual([]);
  });

  it('a model named <x>-mp takes the names of the publication of <x>: refused before any write, naming both', async () => {
    h.emulator.requests.length = 0;
    const res = await h.request
      .post(`${byEntity('scorer')}/publication`)
      .set(auth)
      .send({ rateLimits: { requestsPerMinute: 60 } });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(
      `InferenceService ${NAMESPACE}/scorer-mp exists`,
    );
    expect(res.body.error.message).toContain('Rename one of the two models');
    expect(h.clusterWrites()).toEqual([]);
  });
});
