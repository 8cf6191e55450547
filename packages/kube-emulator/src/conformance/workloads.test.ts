import {
  ApisApi,
  AppsV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  NetworkingV1Api,
  type V1Deployment,
  type V1Pod,
} from '@kubernetes/client-node';
import { startEmulator, type Emulator } from '..';
import { eventually, failure } from './helpers';

/**
 * Conformance for the built-in workload kinds (the ones the Backstage Kubernetes backend lists for an
 * entity), driven only through @kubernetes/client-node.
 */
jest.setTimeout(30000);

describe('kube-emulator conformance (built-in workload kinds)', () => {
  let emu: Emulator;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  const ns = 'work';

  beforeAll(async () => {
    emu = await startEmulator();
    core = emu.kubeConfig.makeApiClient(CoreV1Api);
    apps = emu.kubeConfig.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await core.createNamespace({ body: { metadata: { name: 'empty' } } });
  });
  afterAll(() => emu.close());

  const pod = (name: string, labels: Record<string, string> = { app: name }): V1Pod => ({
    metadata: { name, labels },
    spec: { containers: [{ name: 'main', image: 'busybox:1.36', ports: [{ containerPort: 8080 }] }] },
  });
  const deployment = (name: string, labels: Record<string, string> = { app: name }): V1Deployment => ({
    metadata: { name, labels },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } },
    },
  });

  it('serves discovery for every kind the Kubernetes backend fetches by default', async () => {
    const coreRes = (await core.getAPIResources()).resources;
    const byName = Object.fromEntries(coreRes.map(r => [r.name, r]));
    for (const plural of ['pods', 'services', 'configmaps', 'limitranges', 'resourcequotas', 'persistentvolumeclaims']) {
      expect(byName[plural]).toMatchObject({ namespaced: true, verbs: expect.arrayContaining(['list', 'watch', 'create', 'get']) });
    }
    expect(byName.persistentvolumes.namespaced).toBe(false);
    expect(byName.pods).toMatchObject({ kind: 'Pod', singularName: 'pod', shortNames: ['po'], categories: ['all'] });
    expect(byName['pods/status']).toMatchObject({ kind: 'Pod', verbs: ['get', 'patch', 'update'] });

    const groups = (await emu.kubeConfig.makeApiClient(ApisApi).getAPIVersions()).groups;
    const preferred = Object.fromEntries(groups.map(g => [g.name, g.preferredVersion!.groupVersion]));
    expect(preferred).toMatchObject({ apps: 'apps/v1', batch: 'batch/v1', autoscaling: 'autoscaling/v2', 'networking.k8s.io': 'networking.k8s.io/v1' });

    const appsRes = (await apps.getAPIResources()).resources.filter(r => !r.name.includes('/'));
    expect(appsRes.map(r => r.name).sort()).toEqual(['daemonsets', 'deployments', 'replicasets', 'statefulsets']);
    expect(appsRes.find(r => r.name === 'deployments')).toMatchObject({ kind: 'Deployment', namespaced: true, shortNames: ['deploy'] });
    const batchRes = (await emu.kubeConfig.makeApiClient(BatchV1Api).getAPIResources()).resources.map(r => r.name);
    expect(batchRes).toEqual(expect.arrayContaining(['jobs', 'cronjobs', 'jobs/status']));
  });

  it('answers an empty list for each kind in a namespace with nothing in it', async () => {
    const namespace = 'empty';
    const batch = emu.kubeConfig.makeApiClient(BatchV1Api);
    const hpa = emu.kubeConfig.makeApiClient(AutoscalingV2Api);
    const net = emu.kubeConfig.makeApiClient(NetworkingV1Api);
    const lists: [string, Promise<{ apiVersion?: string; kind?: string; items: unknown[] }>][] = [
      ['PodList', core.listNamespacedPod({ namespace })],
      ['LimitRangeList', core.listNamespacedLimitRange({ namespace })],
      ['ResourceQuotaList', core.listNamespacedResourceQuota({ namespace })],
      ['PersistentVolumeClaimList', core.listNamespacedPersistentVolumeClaim({ namespace })],
      ['PersistentVolumeList', core.listPersistentVolume()],
      ['DeploymentList', apps.listNamespacedDeployment({ namespace })],
      ['ReplicaSetList', apps.listNamespacedReplicaSet({ namespace })],
      ['StatefulSetList', apps.listNamespacedStatefulSet({ namespace })],
      ['DaemonSetList', apps.listNamespacedDaemonSet({ namespace })],
      ['JobList', batch.listNamespacedJob({ namespace })],
      ['CronJobList', batch.listNamespacedCronJob({ namespace })],
      ['HorizontalPodAutoscalerList', hpa.listNamespacedHorizontalPodAutoscaler({ namespace })],
      ['IngressList', net.listNamespacedIngress({ namespace })],
    ];
    for (const [kind, p] of lists) {
      const list = await p;
      expect({ kind: list.kind, items: list.items }).toEqual({ kind, items: [] });
    }
    // client-node's generic client resolves the kinds through discovery.
    const objects = KubernetesObjectApi.makeApiClient(emu.kubeConfig);
    const viaDiscovery = await objects.list('autoscaling/v2', 'HorizontalPodAutoscaler', namespace);
    expect(viaDiscovery.items).toEqual([]);
  });

  it('creates, gets and lists Pods; new Pods are Pending with the API server defaults', async () => {
    const created = await core.createNamespacedPod({ namespace: ns, body: pod('web-1', { app: 'web' }) });
    expect(created.metadata!.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.status!.phase).toBe('Pending');
    expect(created.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30 });
    expect(created.spec!.containers[0].ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
    await core.createNamespacedPod({ namespace: ns, body: pod('other') });

    const read = await core.readNamespacedPod({ namespace: ns, name: 'web-1' });
    expect(read.metadata!.resourceVersion).toBe(created.metadata!.resourceVersion);
    const listed = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' });
    expect(listed.items.map(p => p.metadata!.name)).toEqual(['web-1']);
    expect((await core.listPodForAllNamespaces({ labelSelector: 'app=other' })).items.map(p => p.metadata!.namespace)).toEqual([ns]);

    // Status moves only through /status (as the kubelet would write it), and is then selectable.
    await core.replaceNamespacedPodStatus({ namespace: ns, name: 'web-1', body: { ...read, status: { phase: 'Running', podIP: '10.244.0.7' } } });
    const mainUpdate = await core.replaceNamespacedPod({ namespace: ns, name: 'web-1', body: { ...(await core.readNamespacedPod({ namespace: ns, name: 'web-1' })), status: { phase: 'Failed' } } });
    expect(mainUpdate.status!.phase).toBe('Running');
    const running = await core.listNamespacedPod({ namespace: ns, fieldSelector: 'status.phase=Running' });
    expect(running.items.map(p => p.metadata!.name)).toEqual(['web-1']);
    const unscheduled = await core.listNamespacedPod({ namespace: ns, fieldSelector: 'spec.nodeName=' });
    expect(unscheduled.items.map(p => p.metadata!.name)).toEqual(['other', 'web-1']);
  });

  it('refuses an invalid Pod with 422 Invalid', async () => {
    const body: any = pod('bad');
    delete body.spec.containers[0].image;
    body.spec.restartPolicy = 'Sometimes';
    const s = await failure(core.createNamespacedPod({ namespace: ns, body }));
    expect(s).toMatchObject({ code: 422, reason: 'Invalid', details: { name: 'bad', kind: 'Pod' } });
    expect(s.details.causes.map((c: any) => c.field)).toEqual(expect.arrayContaining(['spec.containers[0].image', 'spec.restartPolicy']));
  });

  it('creates, gets and lists apps/v1 Deployments with generation and defaults', async () => {
    const created = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('api') });
    expect(created.metadata!.generation).toBe(1);
    expect(created.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } });
    const read = await apps.readNamespacedDeployment({ namespace: ns, name: 'api' });
    expect(read.metadata!.uid).toBe(created.metadata!.uid);
    expect((await apps.listNamespacedDeployment({ namespace: ns })).items.map(d => d.metadata!.name)).toEqual(['api']);
    expect((await apps.listDeploymentForAllNamespaces({ labelSelector: 'app=api' })).items).toHaveLength(1);

    const labelled = await apps.replaceNamespacedDeployment({ namespace: ns, name: 'api', body: { ...read, metadata: { ...read.metadata, labels: { app: 'api', team: 'x' } } } });
    expect(labelled.metadata!.generation).toBe(1);
    const scaled = await apps.replaceNamespacedDeployment({ namespace: ns, name: 'api', body: { ...labelled, spec: { ...labelled.spec!, replicas: 3 } } });
    expect(scaled.metadata!.generation).toBe(2);
    const withStatus = await apps.replaceNamespacedDeploymentStatus({ namespace: ns, name: 'api', body: { ...scaled, status: { observedGeneration: 2, replicas: 3, readyReplicas: 3, availableReplicas: 3 } } });
    expect(withStatus.status!.readyReplicas).toBe(3);
    expect(withStatus.metadata!.generation).toBe(2);
  });

  it('refuses a Deployment whose selector does not match its template, and a selector change', async () => {
    const body = deployment('mismatch');
    body.spec!.template.metadata!.labels = { app: 'something-else' };
    const s = await failure(apps.createNamespacedDeployment({ namespace: ns, body }));
    expect(s).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(s.details.causes).toEqual([expect.objectContaining({ field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid' })]);
    expect(s.message).toContain('`selector` does not match template `labels`');

    const byExpression = (name: string, tier: string) => {
      const b = deployment(name, { app: name, tier });
      b.spec!.selector = { matchLabels: { app: name }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'canary', operator: 'DoesNotExist' }] };
      return apps.createNamespacedDeployment({ namespace: ns, body: b });
    };
    expect((await failure(byExpression('expr-c', 'c'))).code).toBe(422);
    expect((await byExpression('expr-b', 'b')).metadata!.name).toBe('expr-b');

    const missing = await failure(apps.createNamespacedDeployment({ namespace: ns, body: { metadata: { name: 'nosel' }, spec: { template: {} } } as any }));
    expect(missing.details.causes.map((c: any) => c.field)).toEqual(expect.arrayContaining(['spec.selector', 'spec.template.spec']));

    const ok = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('fixed', { app: 'fixed', tier: 'a' }) });
    const changed = await failure(
      apps.replaceNamespacedDeployment({ namespace: ns, name: 'fixed', body: { ...ok, spec: { ...ok.spec!, selector: { matchLabels: { app: 'fixed' } } } } }),
    );
    expect(changed.details.causes).toEqual([expect.objectContaining({ field: 'spec.selector', message: expect.stringContaining('field is immutable') })]);
  });

  it('garbage-collects ReplicaSets and Pods after their Deployment', async () => {
    const labels = { app: 'gc' };
    const d = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('gc', labels) });
    const owner = (o: { metadata?: { name?: string; uid?: string } }, kind: string, apiVersion: string) => [
      { apiVersion, kind, name: o.metadata!.name!, uid: o.metadata!.uid!, controller: true, blockOwnerDeletion: true },
    ];
    const rs = await apps.createNamespacedReplicaSet({
      namespace: ns,
      body: { metadata: { name: 'gc-5d4f7', labels, ownerReferences: owner(d, 'Deployment', 'apps/v1') }, spec: { selector: { matchLabels: labels }, template: d.spec!.template } },
    });
    await core.createNamespacedPod({ namespace: ns, body: { ...pod('gc-5d4f7-abcde', labels), metadata: { name: 'gc-5d4f7-abcde', labels, ownerReferences: owner(rs, 'ReplicaSet', 'apps/v1') } } });

    await apps.deleteNamespacedDeployment({ namespace: ns, name: 'gc' });
    await eventually(async () => {
      expect((await apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'app=gc' })).items).toEqual([]);
      expect((await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=gc' })).items).toEqual([]);
    });
  });

  it('serves Jobs, CronJobs, HorizontalPodAutoscalers and Ingresses', async () => {
    const batch = emu.kubeConfig.makeApiClient(BatchV1Api);
    const template = { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36' }] } };
    const job = await batch.createNamespacedJob({ namespace: ns, body: { metadata: { name: 'once' }, spec: { template } } });
    expect(job.spec).toMatchObject({ backoffLimit: 6, completionMode: 'NonIndexed', suspend: false });
    // A Job's pods may not restart forever.
    const always = await failure(batch.createNamespacedJob({ namespace: ns, body: { metadata: { name: 'forever' }, spec: { template: { spec: { ...template.spec, restartPolicy: 'Always' } } } } }));
    expect(always.details.causes.map((c: any) => c.field)).toEqual(['spec.template.spec.restartPolicy']);
    const cron = await batch.createNamespacedCronJob({ namespace: ns, body: { metadata: { name: 'nightly' }, spec: { schedule: '0 2 * * *', jobTemplate: { spec: { template } } } } });
    expect(cron.spec).toMatchObject({ concurrencyPolicy: 'Allow', successfulJobsHistoryLimit: 3 });

    const hpa = emu.kubeConfig.makeApiClient(AutoscalingV2Api);
    await hpa.createNamespacedHorizontalPodAutoscaler({
      namespace: ns,
      body: { metadata: { name: 'api' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, maxReplicas: 5 } },
    });
    expect((await hpa.readNamespacedHorizontalPodAutoscaler({ namespace: ns, name: 'api' })).spec).toMatchObject({ minReplicas: 1, maxReplicas: 5 });

    const net = emu.kubeConfig.makeApiClient(NetworkingV1Api);
    const ing = await net.createNamespacedIngress({
      namespace: ns,
      body: { metadata: { name: 'web' }, spec: { rules: [{ host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } },
    });
    expect(ing.metadata!.generation).toBe(1);
    expect((await net.listNamespacedIngress({ namespace: ns })).items.map(i => i.spec!.rules![0].host)).toEqual(['web.example.com']);
  });
});
