import { AppsV1Api, CoreV1Api, CustomObjectsApi, type V1LabelSelector } from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSchemaValidator, exampleSeedDir, loadCrds, readSeedObjects, startEmulator, type Emulator } from '..';
import { eventually } from './helpers';

function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

jest.setTimeout(60000);

describe('seeding from examples/cluster', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ seed: exampleSeedDir() });
  });
  afterAll(() => emu.close());

  it('every seed object validates strictly against its schema', () => {
    const validator = createSchemaValidator(loadCrds());
    for (const { file, object } of readSeedObjects(exampleSeedDir())) {
      // As the seed loader does, an Event's involvedObject namespace defaults to the Event's own.
      const ref = object.kind === 'Event' ? object.involvedObject : undefined;
      const defaulted = ref && !ref.namespace && validator.registry.forKind(ref.apiVersion, ref.kind)?.namespaced;
      const r = validator.validate(defaulted ? { ...object, involvedObject: { ...ref, namespace: object.metadata.namespace } } : object);
      expect({ file, name: object.metadata.name, errors: r.errors }).toEqual({ file, name: object.metadata.name, errors: [] });
    }
  });

  it('serves the namespaces, the gateway and the InferenceServices with their status', async () => {
    const core = emu.kubeConfig.makeApiClient(CoreV1Api);
    const custom = emu.kubeConfig.makeApiClient(CustomObjectsApi);
    const namespaces = (await core.listNamespace()).items.map(n => n.metadata!.name);
    expect(namespaces).toEqual(expect.arrayContaining(['default', 'fraud-detection', 'genai', 'envoy-gateway-system']));
    const gw: any = await custom.getNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace: 'envoy-gateway-system', plural: 'gateways', name: 'public-gateway' });
    expect(gw.spec.listeners.map((l: any) => `${l.name}:${l.port}`)).toEqual(['http:80', 'https:443']);
    expect(gw.status.conditions.find((c: any) => c.type === 'Programmed').status).toBe('True');

    const isvcs: any = await custom.listClusterCustomObject({ group: 'serving.kserve.io', version: 'v1beta1', plural: 'inferenceservices' });
    const summary = Object.fromEntries(
      isvcs.items.map((i: any) => [`${i.metadata.namespace}/${i.metadata.name}`, i.status.conditions.find((c: any) => c.type === 'Ready').status]),
    );
    expect(summary).toEqual({
      'fraud-detection/churn-lightgbm': 'False',
      'fraud-detection/fraud-sklearn': 'True',
      'fraud-detection/risk-xgboost': 'True',
      'genai/llama-vllm': 'True',
      'genai/qwen-chat': 'True',
    });
    const qwen = isvcs.items.find((i: any) => i.metadata.name === 'qwen-chat');
    expect(qwen.spec.predictor.model.args).toContain('--task=text_generation');
    expect(qwen.metadata.annotations['model-publishing/owner']).toBe('group:default/genai');
    expect(qwen.status.address.url).toBe('http://qwen-chat-predictor.genai.svc.cluster.local');
    const churn = isvcs.items.find((i: any) => i.metadata.name === 'churn-lightgbm');
    expect(churn.status.conditions.find((c: any) => c.type === 'Ready').message).toMatch(/AccessDenied/);
    const runtime: any = await custom.getNamespacedCustomObject({ group: 'serving.kserve.io', version: 'v1alpha1', namespace: 'genai', plural: 'servingruntimes', name: 'kserve-vllmserver' });
    expect(runtime.spec.supportedModelFormats[0].name).toBe('vllm');
  });

  it('runs a predictor Deployment, ReplicaSet and Pod for each InferenceService, chained by ownerReferences', async () => {
    const core = emu.kubeConfig.makeApiClient(CoreV1Api);
    const apps = emu.kubeConfig.makeApiClient(AppsV1Api);
    const custom = emu.kubeConfig.makeApiClient(CustomObjectsApi);
    const isvcs: any = await custom.listClusterCustomObject({ group: 'serving.kserve.io', version: 'v1beta1', plural: 'inferenceservices' });
    expect(isvcs.items).toHaveLength(5);
    const states: Record<string, object> = {};
    for (const isvc of isvcs.items) {
      const { name, namespace, uid } = isvc.metadata;
      const labelSelector = `serving.kserve.io/inferenceservice=${name}`;
      const [deployments, replicaSets, pods, services] = await Promise.all([
        apps.listNamespacedDeployment({ namespace, labelSelector }),
        apps.listNamespacedReplicaSet({ namespace, labelSelector }),
        core.listNamespacedPod({ namespace, labelSelector }),
        core.listNamespacedService({ namespace, labelSelector }),
      ]);
      const [d, rs, pod, svc] = [deployments.items, replicaSets.items, pods.items, services.items].map(items => {
        expect(items).toHaveLength(1);
        return items[0];
      }) as [any, any, any, any];
      expect(d.metadata.name).toBe(`${name}-predictor`);
      expect(d.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'InferenceService', name, uid, controller: true })]);
      expect(rs.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid })]);
      expect(pod.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid })]);
      expect(pod.metadata.labels).toMatchObject({ component: 'predictor', app: `isvc.${name}-predictor` });
      for (const sel of [d.spec.selector as V1LabelSelector, rs.spec.selector as V1LabelSelector]) expect(selects(sel.matchLabels, pod.metadata.labels)).toBe(true);
      expect(selects(svc.spec.selector, pod.metadata.labels)).toBe(true);
      expect(pod.spec.containers.map((c: any) => c.name)).toEqual(['kserve-container']);

      const ready = isvc.status.conditions.find((c: any) => c.type === 'Ready');
      const init = pod.status.initContainerStatuses?.find((c: any) => c.name === 'storage-initializer');
      states[`${namespace}/${name}`] = {
        isvcReady: ready.status,
        phase: pod.status.phase,
        containersReady: pod.status.containerStatuses.every((c: any) => c.ready && c.state.running),
        available: d.status.conditions.find((c: any) => c.type === 'Available').status,
        readyReplicas: d.status.readyReplicas ?? 0,
        readyMessage: ready.message ?? null,
        initFailure: init?.lastState?.terminated?.message ?? null,
        lastFailureLocation: isvc.status.modelStatus.lastFailureInfo?.location ?? null,
        pod: pod.metadata.name,
      };
    }
    const running = (pod: string) => ({
      isvcReady: 'True',
      phase: 'Running',
      containersReady: true,
      available: 'True',
      readyReplicas: 1,
      readyMessage: null,
      initFailure: null,
      lastFailureLocation: null,
      pod,
    });
    // The storage initializer's failure is what KServe surfaces on the InferenceService.
    const accessDenied = 'Failed to download model from s3://fraud-models/churn/lightgbm/v3: AccessDenied: Access Denied (status code: 403)';
    expect(states).toEqual({
      'fraud-detection/churn-lightgbm': {
        isvcReady: 'False',
        phase: 'Pending',
        containersReady: false,
        available: 'False',
        readyReplicas: 0,
        readyMessage: accessDenied,
        initFailure: accessDenied,
        lastFailureLocation: 'churn-lightgbm-predictor-7d9c6b5f4-x2x7k',
        pod: 'churn-lightgbm-predictor-7d9c6b5f4-x2x7k',
      },
      'fraud-detection/fraud-sklearn': running('fraud-sklearn-predictor-6b8f9c7d54-q8zxk'),
      'fraud-detection/risk-xgboost': running('risk-xgboost-predictor-5f7c8d9b6-m4t2w'),
      'genai/llama-vllm': running('llama-vllm-predictor-7b5d9f8c46-z5r8c'),
      'genai/qwen-chat': running('qwen-chat-predictor-84c6d7b9f5-h7p9n'),
    });
  });
});

describe('seed ownerReferences', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-emulator-seed-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (file: string, yaml: string) => {
    fs.writeFileSync(path.join(dir, file), yaml);
    return path.join(dir, file);
  };
  const cm = (name: string, owner?: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\n${owner ? `  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: ${owner}\n` : ''}`;

  it('fills in the uid of an owner seeded earlier, which the garbage collector then follows', async () => {
    const emu = await startEmulator({ seed: write('ok.yaml', `${cm('owner')}---\n${cm('dependent', 'owner')}`) });
    try {
      const core = emu.kubeConfig.makeApiClient(CoreV1Api);
      const owner = await core.readNamespacedConfigMap({ namespace: 'default', name: 'owner' });
      const dependent = await core.readNamespacedConfigMap({ namespace: 'default', name: 'dependent' });
      expect(dependent.metadata!.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid }]);
      await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'owner' });
      await eventually(async () => expect((await core.listNamespacedConfigMap({ namespace: 'default' })).items.map(c => c.metadata!.name)).not.toContain('dependent'));
    } finally {
      await emu.close();
    }
  });

  it('refuses a seed whose owner is neither in the cluster nor earlier in the seed', async () => {
    await expect(startEmulator({ seed: write('bad.yaml', `${cm('orphan', 'nobody')}`) })).rejects.toThrow(
      /ConfigMap default\/orphan: owner ConfigMap nobody is neither in the cluster nor earlier in the seed/,
    );
  });

  const ev = (name: string, involved: string) =>
    `apiVersion: v1\nkind: Event\nmetadata:\n  name: ${name}\n  namespace: default\ninvolvedObject:\n  apiVersion: v1\n  kind: ConfigMap\n  name: ${involved}\nreason: Updated\ntype: Normal\n`;

  it("fills in an Event's involvedObject uid, namespace and resourceVersion from the object seeded earlier", async () => {
    const emu = await startEmulator({ seed: write('events.yaml', `${cm('subject')}---\n${ev('subject.1', 'subject')}`) });
    try {
      const core = emu.kubeConfig.makeApiClient(CoreV1Api);
      const subject = await core.readNamespacedConfigMap({ namespace: 'default', name: 'subject' });
      const { items } = await core.listNamespacedEvent({ namespace: 'default', fieldSelector: `involvedObject.uid=${subject.metadata!.uid}` });
      expect(items.map(e => e.involvedObject)).toEqual([
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'subject', namespace: 'default', uid: subject.metadata!.uid, resourceVersion: subject.metadata!.resourceVersion },
      ]);
    } finally {
      await emu.close();
    }
  });

  it('refuses a seed Event about an object that is neither in the cluster nor earlier in the seed', async () => {
    await expect(startEmulator({ seed: write('bad-event.yaml', ev('ghost.1', 'ghost')) })).rejects.toThrow(
      /Event default\/ghost.1: involved ConfigMap ghost is neither in the cluster nor earlier in the seed/,
    );
  });
});
