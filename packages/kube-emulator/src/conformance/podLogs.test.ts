import { CoreV1Api, type CoreV1Event, type V1Pod } from '@kubernetes/client-node';
import { exampleSeedDir, startEmulator, type Emulator } from '..';
import { failure } from './helpers';

/**
 * Conformance for what the Kubernetes tab's pod dialogs read: `pods/{name}/log` (the API server's and the
 * kubelet's answers, with the text from the emulator's log annotations) and Events by involved object.
 */
jest.setTimeout(30000);

const LOGS = 'kube-emulator.dev/logs.';
const PREVIOUS = 'kube-emulator.dev/previous-logs.';

describe('kube-emulator conformance (pod logs and events)', () => {
  let emu: Emulator;
  let core: CoreV1Api;
  const namespace = 'logs';

  /** Creates a pod and sets its status through /status, as the kubelet would. */
  async function pod(body: V1Pod): Promise<V1Pod> {
    const created = await core.createNamespacedPod({ namespace, body: { ...body, status: undefined } });
    if (!body.status) return created;
    return core.replaceNamespacedPodStatus({ namespace, name: body.metadata!.name!, body: { ...created, status: body.status } });
  }

  beforeAll(async () => {
    emu = await startEmulator();
    core = emu.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    // Two containers and an init container; `main` restarted once and runs again.
    await pod({
      metadata: {
        name: 'web',
        annotations: {
          [`${LOGS}main`]: 'booting\nlistening on :8080\n2025-11-01T09:05:00.5Z GET /healthz 200\nGET /v1/models 200\n',
          [`${PREVIOUS}main`]: 'booting\npanic: out of memory\n',
          [`${LOGS}init`]: 'copied 3 files\n',
        },
      },
      spec: {
        nodeName: 'node-1',
        initContainers: [{ name: 'init', image: 'busybox:1.36' }],
        containers: [
          { name: 'main', image: 'app:1' },
          { name: 'sidecar', image: 'proxy:1' },
        ],
      },
      status: {
        phase: 'Running',
        initContainerStatuses: [
          {
            name: 'init', image: 'busybox:1.36', imageID: '', ready: true, restartCount: 0, containerID: 'containerd://i1',
            state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: new Date('2025-11-01T08:59:00Z'), containerID: 'containerd://i1' } },
          },
        ],
        containerStatuses: [
          {
            name: 'main', image: 'app:1', imageID: '', ready: true, restartCount: 1, containerID: 'containerd://m2',
            state: { running: { startedAt: new Date('2025-11-01T09:00:00Z') } },
            lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: new Date('2025-11-01T08:59:30Z'), containerID: 'containerd://m1' } },
          },
          { name: 'sidecar', image: 'proxy:1', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
        ],
      },
    });
    // Crash-looping: the last instance that ran is both the current and the previous log.
    await pod({
      metadata: { name: 'crashing', annotations: { [`${LOGS}app`]: 'Error: cannot read config\n' } },
      spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'app:1' }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app', image: 'app:1', imageID: '', ready: false, restartCount: 4, containerID: 'containerd://c4',
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', containerID: 'containerd://c4' } },
          },
        ],
      },
    });
    // Never scheduled: no kubelet to ask.
    await pod({ metadata: { name: 'unscheduled', annotations: { [`${LOGS}app`]: 'never shown\n' } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } });
  });
  afterAll(() => emu.close());

  const log = (name: string, opts: Partial<Parameters<CoreV1Api['readNamespacedPodLog']>[0]> = {}) =>
    core.readNamespacedPodLog({ namespace, name, ...opts });

  it('serves pods/log in discovery, with only get', async () => {
    const resources = (await core.getAPIResources()).resources;
    expect(resources.find(r => r.name === 'pods/log')).toEqual(expect.objectContaining({ kind: 'Pod', namespaced: true, verbs: ['get'] }));
  });

  it("returns the container's log as text, its previous instance's with previous=true", async () => {
    expect(await log('web', { container: 'main' })).toBe('booting\nlistening on :8080\nGET /healthz 200\nGET /v1/models 200\n');
    expect(await log('web', { container: 'main', previous: true })).toBe('booting\npanic: out of memory\n');
    expect(await log('web', { container: 'init' })).toBe('copied 3 files\n');
    // A crash-looping container's current and previous instance are the same one: the last that ran.
    expect(await log('crashing')).toBe('Error: cannot read config\n');
    expect(await log('crashing', { previous: true })).toBe('Error: cannot read config\n');
  });

  it('answers text/plain, and treats a bare `previous` as true (as the Kubernetes tab sends it)', async () => {
    const res = await fetch(`${emu.url}/api/v1/namespaces/${namespace}/pods/web/log?container=main&previous=`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe('booting\npanic: out of memory\n');
    const no = await fetch(`${emu.url}/api/v1/namespaces/${namespace}/pods/web/log?container=main&previous=false`);
    expect(await no.text()).toMatch(/^booting\nlistening/);
  });

  it('honours tailLines, timestamps, limitBytes and sinceTime', async () => {
    expect(await log('web', { container: 'main', tailLines: 2 })).toBe('GET /healthz 200\nGET /v1/models 200\n');
    expect(await log('web', { container: 'main', tailLines: 0 })).toBe('');
    expect(await log('web', { container: 'main', tailLines: 10 })).toMatch(/^booting\n/);
    // Lines without their own timestamp take the one before; the first, the instance's start.
    expect(await log('web', { container: 'main', timestamps: true })).toBe(
      [
        '2025-11-01T09:00:00.000000000Z booting',
        '2025-11-01T09:00:00.000000000Z listening on :8080',
        '2025-11-01T09:05:00.500000000Z GET /healthz 200',
        '2025-11-01T09:05:00.500000000Z GET /v1/models 200',
        '',
      ].join('\n'),
    );
    expect(await log('web', { container: 'main', previous: true, timestamps: true, tailLines: 1 })).toBe('2025-11-01T08:59:30.000000000Z panic: out of memory\n');
    expect(await log('web', { container: 'main', limitBytes: 10 })).toBe('booting\nli');
    const res = await fetch(`${emu.url}/api/v1/namespaces/${namespace}/pods/web/log?container=main&sinceTime=2025-11-01T09:01:00Z`);
    expect(await res.text()).toBe('GET /healthz 200\nGET /v1/models 200\n');
    // Everything seeded is older than a minute.
    expect(await log('web', { container: 'main', sinceSeconds: 60 })).toBe('');
  });

  it('answers an empty log for a pod no node was assigned to, as the API server does', async () => {
    expect(await log('unscheduled')).toBe('');
  });

  it('404s for a missing pod', async () => {
    const s = await failure(log('nope', { container: 'main' }));
    expect(s).toMatchObject({ code: 404, reason: 'NotFound', message: 'pods "nope" not found', details: { name: 'nope', kind: 'pods' } });
  });

  it('400s naming the containers when a multi-container pod gets no container, or an unknown one', async () => {
    expect(await failure(log('web'))).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'a container name must be specified for pod web, choose one of: [init main sidecar]',
    });
    expect(await failure(log('web', { container: 'nginx' }))).toMatchObject({ code: 400, reason: 'BadRequest', message: 'container nginx is not valid for pod web' });
  });

  it("400s like the kubelet for no previous instance and for a container that has not started", async () => {
    expect(await failure(log('web', { container: 'init', previous: true }))).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'previous terminated container "init" in pod "web" not found',
    });
    expect(await failure(log('web', { container: 'sidecar' }))).toMatchObject({
      code: 400,
      message: 'container "sidecar" in pod "web" is waiting to start: ContainerCreating',
    });
  });

  it('422s for out-of-range options, before looking at the pod', async () => {
    const s = await failure(log('nope', { tailLines: -1 }));
    expect(s).toMatchObject({ code: 422, reason: 'Invalid', details: { kind: 'PodLogOptions', causes: [expect.objectContaining({ field: 'tailLines' })] } });
    expect(s.message).toBe('PodLogOptions "nope" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0');
    expect(await failure(log('web', { container: 'main', limitBytes: 0 }))).toMatchObject({ code: 422 });
  });

  it('allows only GET on pods/log', async () => {
    const res = await fetch(`${emu.url}/api/v1/namespaces/${namespace}/pods/web/log`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(405);
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed' });
  });

  describe('events', () => {
    const event = (name: string, involved: { kind: string; name: string; uid?: string; namespace?: string }, extra: Partial<CoreV1Event> = {}): CoreV1Event => ({
      metadata: { name },
      involvedObject: { apiVersion: 'v1', namespace, ...involved },
      reason: 'Started',
      message: `${name} happened`,
      type: 'Normal',
      source: { component: 'kubelet', host: 'node-1' },
      count: 1,
      ...extra,
    });
    let webUid: string;

    beforeAll(async () => {
      webUid = (await core.readNamespacedPod({ namespace, name: 'web' })).metadata!.uid!;
      for (const e of [
        event('web.1', { kind: 'Pod', name: 'web', uid: webUid }, { reason: 'Scheduled', source: { component: 'default-scheduler' } }),
        event('web.2', { kind: 'Pod', name: 'web', uid: webUid }, { reason: 'BackOff', type: 'Warning' }),
        event('web-rs.1', { kind: 'ReplicaSet', name: 'web' }, { reason: 'SuccessfulCreate', source: undefined, reportingComponent: 'replicaset-controller' }),
        event('crashing.1', { kind: 'Pod', name: 'crashing' }),
      ]) {
        await core.createNamespacedEvent({ namespace, body: e });
      }
    });

    const names = async (fieldSelector: string) =>
      (await core.listNamespacedEvent({ namespace, fieldSelector })).items.map(e => e.metadata!.name).sort();

    it('selects by involvedObject.name, as the Kubernetes tab asks for a pod', async () => {
      expect(await names('involvedObject.name=web')).toEqual(['web-rs.1', 'web.1', 'web.2']);
      expect(await names('involvedObject.name=nothing')).toEqual([]);
    });

    it('selects by involvedObject kind, namespace and uid, and by reason, type and source', async () => {
      expect(await names('involvedObject.name=web,involvedObject.kind=Pod')).toEqual(['web.1', 'web.2']);
      expect(await names(`involvedObject.uid=${webUid}`)).toEqual(['web.1', 'web.2']);
      expect(await names(`involvedObject.namespace=${namespace},involvedObject.kind!=Pod`)).toEqual(['web-rs.1']);
      expect(await names('type=Warning')).toEqual(['web.2']);
      expect(await names('reason=Scheduled')).toEqual(['web.1']);
      // `source` falls back to the reporting controller for events that only set that.
      expect(await names('source=replicaset-controller')).toEqual(['web-rs.1']);
      expect(await names('source=kubelet')).toEqual(['crashing.1', 'web.2']);
      // An unset uid selects as empty.
      expect(await names('involvedObject.uid=,involvedObject.kind=Pod')).toEqual(['crashing.1']);
    });

    it('refuses fields the API server does not select on', async () => {
      const s = await failure(core.listNamespacedEvent({ namespace, fieldSelector: 'message=x' }));
      expect(s).toMatchObject({ code: 400, reason: 'BadRequest', message: 'field label not supported: message' });
    });
  });
});
describe('the demo cluster (examples/cluster): predictor logs and events', () => {
  let emu: Emulator;
  let core: CoreV1Api;
  beforeAll(async () => {
    emu = await startEmulator({ seed: exampleSeedDir() });
    core = emu.kubeConfig.makeApiClient(CoreV1Api);
  });
  afterAll(() => emu.close());

  const predictorPods = async () => {
    const pods = await core.listPodForAllNamespaces({ labelSelector: 'component=predictor' });
    return pods.items.map(p => ({ namespace: p.metadata!.namespace!, name: p.metadata!.name!, phase: p.status!.phase! }));
  };

  it("has a server start-up log for every running predictor's kserve-container", async () => {
    const pods = await predictorPods();
    expect(pods).toHaveLength(5);
    for (const p of pods.filter(x => x.phase === 'Running')) {
      const text = await core.readNamespacedPodLog({ ...p, container: 'kserve-container' });
      expect({ pod: p.name, serving: /Uvicorn running on http:\/\/0\.0\.0\.0:8080|Application startup complete/.test(text) }).toEqual({ pod: p.name, serving: true });
    }
  });

  it("shows why churn-lightgbm is not ready: its storage-initializer's log, and a BackOff warning", async () => {
    const pod = { namespace: 'fraud-detection', name: 'churn-lightgbm-predictor-7d9c6b5f4-x2x7k' };
    const init = await core.readNamespacedPodLog({ ...pod, container: 'storage-initializer', previous: true });
    expect(init).toContain('AccessDenied: Access Denied (status code: 403)');
    // The model server never started.
    expect(await failure(core.readNamespacedPodLog({ ...pod, container: 'kserve-container' }))).toMatchObject({
      code: 400,
      message: `container "kserve-container" in pod "${pod.name}" is waiting to start: PodInitializing`,
    });
    const events = (await core.listNamespacedEvent({ namespace: pod.namespace, fieldSelector: `involvedObject.name=${pod.name}` })).items;
    const uid = (await core.readNamespacedPod(pod)).metadata!.uid;
    expect(events.every(e => e.involvedObject.uid === uid)).toBe(true);
    expect(events.filter(e => e.type === 'Warning').map(e => e.reason)).toEqual(['BackOff']);
  });

  it('has Scheduled, Pulled, Created and Started events for each predictor pod', async () => {
    for (const p of await predictorPods()) {
      const events = (await core.listNamespacedEvent({ namespace: p.namespace, fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${p.name}` })).items;
      const reasons = new Set(events.map(e => e.reason));
      expect({ pod: p.name, reasons: ['Scheduled', 'Pulled', 'Created', 'Started'].filter(r => !reasons.has(r)) }).toEqual({ pod: p.name, reasons: [] });
    }
  });
});
