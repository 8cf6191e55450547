import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import {
  DEFAULT_RESYNC_MS,
  DEFAULT_SCHEDULE,
  ModelPublishingEntityProvider,
} from '@model-publishing/plugin-catalog-backend-module-model-publishing';
import {
  exampleSeedDir,
  readSeedObjects,
  startEmulator,
  type Emulator,
} from '@model-publishing/kube-emulator';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import type { KubernetesBackendInput } from './__testUtils__/kubernetesBackendProcess';

/**
 * The catalog's Kubernetes tab on the embedded portal: the real Kubernetes backend, configured with the
 * `kubernetes:` section of app-config.yaml (only the cluster URL changed) and the portal's permission
 * policy, asked for the objects of the Components the model-publishing catalog module makes from the demo
 * cluster (examples/cluster), and, through its proxy, for a pod's logs and events as the tab's dialogs ask.
 * The plugin runs in a child process (see __testUtils__/kubernetesBackendProcess.ts for why).
 */
jest.setTimeout(60_000);

const DEFAULT_OBJECT_TYPES = [
  'pods',
  'services',
  'configmaps',
  'limitranges',
  'resourcequotas',
  'deployments',
  'replicasets',
  'horizontalpodautoscalers',
  'jobs',
  'cronjobs',
  'ingresses',
  'statefulsets',
  'daemonsets',
];

/** The portal's embedded app-config.yaml, as the backend reads it. */
const appConfig = parse(
  readFileSync(resolve(__dirname, '../../../app-config.yaml'), 'utf8'),
);

function appConfigKubernetes(url: string, overrides: object = {}) {
  const kubernetes = structuredClone(appConfig.kubernetes);
  const clusters = kubernetes.clusterLocatorMethods[0].clusters;
  expect(clusters).toHaveLength(1);
  clusters[0] = { ...clusters[0], url, ...overrides };
  return kubernetes;
}

/** The Components the catalog module makes from the cluster, as the catalog would serve them. */
async function componentsOf(kubeconfigPath: string): Promise<Entity[]> {
  const provider = new ModelPublishingEntityProvider({
    config: {
      id: 'local',
      cluster: 'local',
      connection: { name: 'local', kubeconfig: { path: kubeconfigPath } },
      namespaces: [],
      schedule: DEFAULT_SCHEDULE,
      resyncMs: DEFAULT_RESYNC_MS,
      defaults: { owner: 'group:default/ml-platform', lifecycle: 'production' },
      namePrefix: '',
      publications: false,
      techdocs: false,
      acceptsDefaultClusterAlias: true,
    },
    logger: mockServices.logger.mock(),
  });
  let entities: Entity[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: async m => {
      if (m.type === 'full') entities = m.entities.map(e => e.entity);
    },
    refresh: async () => {},
  };
  await provider.connect(connection);
  const result = await provider.run();
  await provider.stop(); // its watches
  expect(result.clusterError).toBeUndefined();
  return entities;
}

const children: ChildProcess[] = [];

/** Starts the Kubernetes backend plugin with this config and catalog; resolves to its base URL. */
async function startKubernetesBackend(
  input: KubernetesBackendInput,
): Promise<string> {
  const child = fork(
    resolve(__dirname, '__testUtils__/kubernetesBackendProcess.ts'),
    [],
    {
      execArgv: [
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  children.push(child);
  const answer = await new Promise<{ port?: number; error?: string }>(
    (ok, fail) => {
      // The node transform also talks over IPC (`{ type: 'watch' }`): wait for our answer.
      child.on('message', (m: any) => {
        if (m?.port || m?.error) ok(m);
      });
      child.once('exit', code => fail(new Error(`backend exited (${code})`)));
      child.send(input);
    },
  );
  if (!answer.port) throw new Error(`backend did not start: ${answer.error}`);
  return `http://127.0.0.1:${answer.port}`;
}

describe('the Kubernetes tab of demo models (kubernetes backend against the embedded emulator)', () => {
  let emulator: Emulator;
  let components: Entity[];
  let dir: string;
  /** Configured with app-config.yaml's `kubernetes:` section, permissions decided by the portal's policy. */
  let portal: string;
  /** The same `kubernetes:` section with the metrics lookup turned back on (permissions off). */
  let withMetrics: string;
  /** The same `kubernetes:` section with every permission denied. */
  let denied: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mp-backend-k8s-'));
    emulator = await startEmulator({
      seed: exampleSeedDir(),
      kubeconfigPath: join(dir, 'kubeconfig'),
    });
    components = await componentsOf(join(dir, 'kubeconfig'));
    [portal, withMetrics, denied] = await Promise.all([
      startKubernetesBackend({
        config: {
          kubernetes: appConfigKubernetes(emulator.url),
          // The portal policy's settings, e.g. who may use the proxy.
          permission: appConfig.permission,
        },
        entities: components,
        permissions: 'portal',
      }),
      startKubernetesBackend({
        config: {
          kubernetes: appConfigKubernetes(emulator.url, {
            skipMetricsLookup: false,
          }),
        },
        entities: components,
      }),
      startKubernetesBackend({
        config: { kubernetes: appConfigKubernetes(emulator.url) },
        entities: components,
        permissions: 'deny',
      }),
    ]);
  });
  afterAll(async () => {
    for (const child of children) child.kill();
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const component = (model: string) => {
    const c = components.find(
      e =>
        e.metadata.annotations?.['model-publishing/inference-service'] ===
        model,
    );
    expect(c).toBeDefined();
    return c!;
  };
  const byType = (cluster: any) =>
    Object.fromEntries(
      cluster.resources.map((r: any) => [r.type, r.resources]),
    ) as Record<string, any[]>;

  it('returns the predictor Deployment, ReplicaSet, Pod and Service of a model, without errors', async () => {
    const entity = component('fraud-detection/fraud-sklearn');
    // What the tab posts (KubernetesBackendClient.getObjectsByEntity).
    const res = await request(portal)
      .post(`/api/kubernetes/services/${entity.metadata.name}`)
      .send({ entity, auth: {} });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    const [cluster] = res.body.items;
    expect(cluster.cluster).toEqual({ name: 'local' });
    expect(cluster.errors).toEqual([]);
    const objects = byType(cluster);
    expect(Object.keys(objects).sort()).toEqual(
      [...DEFAULT_OBJECT_TYPES].sort(),
    );

    const names = (type: string) =>
      objects[type].map((o: any) => o.metadata.name);
    expect(names('deployments')).toEqual(['fraud-sklearn-predictor']);
    expect(names('replicasets')).toEqual([
      'fraud-sklearn-predictor-6b8f9c7d54',
    ]);
    expect(names('pods')).toEqual(['fraud-sklearn-predictor-6b8f9c7d54-q8zxk']);
    expect(names('services')).toEqual(['fraud-sklearn-predictor']);
    for (const type of DEFAULT_OBJECT_TYPES.filter(
      t => !['deployments', 'replicasets', 'pods', 'services'].includes(t),
    )) {
      expect({ type, objects: objects[type] }).toEqual({ type, objects: [] });
    }
    const [pod] = objects.pods;
    expect(pod.status.phase).toBe('Running');
    expect(pod.status.containerStatuses).toEqual([
      expect.objectContaining({ name: 'kserve-container', ready: true }),
    ]);
    // The tab groups pods under their Deployment by ownerReference uid.
    const [deployment] = objects.deployments;
    const [replicaSet] = objects.replicasets;
    expect(replicaSet.metadata.ownerReferences[0].uid).toBe(
      deployment.metadata.uid,
    );
    expect(pod.metadata.ownerReferences[0].uid).toBe(replicaSet.metadata.uid);

    // The workloads query (entityRef instead of the entity) answers the same objects.
    const workloads = await request(portal)
      .post('/api/kubernetes/resources/workloads/query')
      .send({
        entityRef: `component:${entity.metadata.namespace ?? 'default'}/${
          entity.metadata.name
        }`,
        auth: {},
      });
    expect(workloads.status).toBe(200);
    expect(workloads.body.items[0].errors).toEqual([]);
    expect(
      byType(workloads.body.items[0]).pods.map((p: any) => p.metadata.name),
    ).toEqual(['fraud-sklearn-predictor-6b8f9c7d54-q8zxk']);
  });

  it("shows the not-ready model's Pending pod with its InferenceService's failure", async () => {
    const entity = component('fraud-detection/churn-lightgbm');
    const res = await request(portal)
      .post(`/api/kubernetes/services/${entity.metadata.name}`)
      .send({ entity, auth: {} });
    expect(res.status).toBe(200);
    const [cluster] = res.body.items;
    expect(cluster.errors).toEqual([]);
    const objects = byType(cluster);
    expect(objects.deployments.map((d: any) => d.metadata.name)).toEqual([
      'churn-lightgbm-predictor',
    ]);
    const [pod] = objects.pods;
    expect(pod.metadata.name).toBe('churn-lightgbm-predictor-7d9c6b5f4-x2x7k');
    expect(pod.status.phase).toBe('Pending');
    // The message the catalog shows for the model (`<reason>: <message>`) is the pod's failure.
    const failure = pod.status.initContainerStatuses[0].lastState.terminated;
    expect(failure.message).toMatch(/AccessDenied/);
    expect(
      entity.metadata.annotations?.['model-publishing/ready-message'],
    ).toBe(`ModelLoadFailed: ${failure.message}`);
  });

  it('reports the metrics lookup as an error when it is not skipped (the emulator has no metrics-server)', async () => {
    const entity = component('genai/qwen-chat');
    const res = await request(withMetrics)
      .post(`/api/kubernetes/services/${entity.metadata.name}`)
      .send({ entity, auth: {} });
    expect(res.status).toBe(200);
    const [cluster] = res.body.items;
    expect(cluster.errors).toEqual([
      {
        errorType: 'NOT_FOUND',
        statusCode: 404,
        resourcePath: '/apis/metrics.k8s.io/v1beta1/namespaces/genai/pods',
      },
    ]);
    expect(byType(cluster).pods.map((p: any) => p.metadata.name)).toEqual([
      'qwen-chat-predictor-84c6d7b9f5-h7p9n',
    ]);
  });

  describe("a pod's Logs and Events dialogs (through the Kubernetes backend's proxy)", () => {
    const namespace = 'fraud-detection';
    const sklearnPod = 'fraud-sklearn-predictor-6b8f9c7d54-q8zxk';
    const churnPod = 'churn-lightgbm-predictor-7d9c6b5f4-x2x7k';
    /** What the tab's KubernetesProxyClient sends: the proxy path and the cluster header. */
    const proxyGet = (backend: string, path: string) =>
      request(backend)
        .get(`/api/kubernetes/proxy${path}`)
        .set('Backstage-Kubernetes-Cluster', 'local');
    /** The log text examples/cluster seeds for a container of a pod. */
    const seededLog = (pod: string, container: string) => {
      const seeded = readSeedObjects(exampleSeedDir()).find(
        ({ object }) => object.kind === 'Pod' && object.metadata.name === pod,
      );
      const text =
        seeded?.object.metadata.annotations?.[
          `kube-emulator.dev/logs.${container}`
        ];
      expect(text).toEqual(expect.any(String));
      return text as string;
    };

    it("returns the seeded log of a model's kserve-container", async () => {
      const res = await proxyGet(
        portal,
        `/api/v1/namespaces/${namespace}/pods/${sklearnPod}/log?container=kserve-container`,
      );
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toBe(seededLog(sklearnPod, 'kserve-container'));
      expect(res.text).toContain(
        'Uvicorn running on http://0.0.0.0:8080 (Press CTRL+C to quit)',
      );
    });

    it("returns the not-ready model's crash log (the fix dialog asks for `previous`), and the cluster's 400 for its unstarted server", async () => {
      const crash = await proxyGet(
        portal,
        `/api/v1/namespaces/${namespace}/pods/${churnPod}/log?container=storage-initializer&previous=`,
      );
      expect(crash.status).toBe(200);
      expect(crash.text).toBe(seededLog(churnPod, 'storage-initializer'));
      const entity = component('fraud-detection/churn-lightgbm');
      const message = entity.metadata.annotations?.[
        'model-publishing/ready-message'
      ]?.replace(/^ModelLoadFailed: /, '');
      expect(crash.text.trimEnd().split('\n').at(-1)).toBe(message);

      const server = await proxyGet(
        portal,
        `/api/v1/namespaces/${namespace}/pods/${churnPod}/log?container=kserve-container`,
      );
      expect(server.status).toBe(400);
      expect(server.body).toMatchObject({
        kind: 'Status',
        reason: 'BadRequest',
        message: `container "kserve-container" in pod "${churnPod}" is waiting to start: PodInitializing`,
      });
    });

    it("lists a pod's events by involvedObject.name, with the not-ready model's BackOff warning", async () => {
      const res = await proxyGet(
        portal,
        `/api/v1/namespaces/${namespace}/events?fieldSelector=involvedObject.name=${churnPod}`,
      );
      expect(res.status).toBe(200);
      // (users may not read the pod itself through the proxy: its uid from the cluster)
      const pod = emulator.api.get(
        (emulator.api as any).registry.forKind('v1', 'Pod'),
        namespace,
        churnPod,
      ).metadata;
      expect(pod.uid).toEqual(expect.any(String));
      const events: any[] = res.body.items;
      expect(events.length).toBeGreaterThan(0);
      expect(
        events.filter(
          e =>
            e.involvedObject.name !== churnPod ||
            e.involvedObject.uid !== pod.uid,
        ),
      ).toEqual([]);
      expect(
        events
          .filter(e => e.type === 'Warning')
          .map(e => `${e.reason}: ${e.message}`),
      ).toEqual([
        `BackOff: Back-off restarting failed container storage-initializer in pod ${churnPod}_${namespace}`,
      ]);
      expect(new Set(events.map(e => e.reason))).toEqual(
        new Set(['Scheduled', 'Pulled', 'Created', 'Started', 'BackOff']),
      );
    });

    it('refuses users anything but pod logs and events — a key Secret, a write, exec, a disguised path — before asking the cluster (issue 14, finding 3)', async () => {
      const secretPath = '/api/v1/namespaces/genai/secrets/qwen-chat-mp-keys';
      emulator.requests.length = 0;
      const refused = [
        proxyGet(portal, secretPath),
        proxyGet(portal, '/api/v1/namespaces/genai/secrets'),
        proxyGet(portal, '/api/v1/secrets'),
        proxyGet(portal, `/api/v1/namespaces/${namespace}/pods/${sklearnPod}`),
        proxyGet(
          portal,
          `/api/v1/namespaces/${namespace}/pods/${sklearnPod}/../../secrets/x`,
        ),
        proxyGet(
          portal,
          `/api/v1/namespaces/genai/pods/x/log/../../../secrets/qwen-chat-mp-keys`,
        ),
        proxyGet(
          portal,
          `/api/v1/namespaces/genai/%73ecrets/qwen-chat-mp-keys`,
        ),
        proxyGet(
          portal,
          `/api/v1/namespaces/${namespace}/pods/${sklearnPod}/exec?command=sh`,
        ),
        request(portal)
          .delete(
            `/api/kubernetes/proxy/api/v1/namespaces/${namespace}/pods/${sklearnPod}`,
          )
          .set('Backstage-Kubernetes-Cluster', 'local'),
        request(portal)
          .post(`/api/kubernetes/proxy/api/v1/namespaces/${namespace}/events`)
          .set('Backstage-Kubernetes-Cluster', 'local')
          .send({ kind: 'Event' }),
        request(portal)
          .put(`/api/kubernetes/proxy${secretPath}`)
          .set('Backstage-Kubernetes-Cluster', 'local')
          .send({ kind: 'Secret' }),
      ];
      const answers = await Promise.all(refused);
      expect(answers.map(r => r.status)).toEqual(refused.map(() => 403));
      for (const res of answers) {
        expect(res.body.error).toMatchObject({ name: 'NotAllowedError' });
        expect(res.text).not.toContain('mpk_');
      }
      expect(
        emulator.requests.filter(
          r => r.method !== 'GET' || /secrets|exec/.test(r.path),
        ),
      ).toEqual([]);
      expect(emulator.requests.filter(r => r.path.includes('/pods/'))).toEqual(
        [],
      );
      // The Logs dialog still works for the same user.
      const log = await proxyGet(
        portal,
        `/api/v1/namespaces/${namespace}/pods/${sklearnPod}/log?container=kserve-container`,
      );
      expect(log.status).toBe(200);
      expect(log.text).toBe(seededLog(sklearnPod, 'kserve-container'));
    });

    it('refuses the proxy without the kubernetes.proxy permission, before asking the cluster', async () => {
      emulator.requests.length = 0;
      const res = await proxyGet(
        denied,
        `/api/v1/namespaces/${namespace}/pods/${sklearnPod}/log?container=kserve-container`,
      );
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ name: 'NotAllowedError' });
      expect(emulator.requests.filter(r => r.path.endsWith('/log'))).toEqual(
        [],
      );
    });
  });
});
