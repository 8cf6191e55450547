import { CoreV1Api, makeInformer, Watch, type V1ConfigMap } from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator } from '..';
import { eventually, failure } from './helpers';

jest.setTimeout(30000);

describe('kube-emulator conformance (watch, informers, test hooks)', () => {
  let emu: Emulator;
  let core: CoreV1Api;
  const ns = 'watched';

  beforeAll(async () => {
    emu = await startEmulator();
    core = emu.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });
  afterAll(() => emu.close());

  it('streams ADDED/MODIFIED/DELETED and resumes from a resourceVersion', async () => {
    const seen: string[] = [];
    const watch = new Watch(emu.kubeConfig);
    const ctl = await watch.watch(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: 'w=1' }, (type, obj) => seen.push(`${type} ${obj.metadata.name} ${JSON.stringify(obj.data ?? {})}`), () => {});
    const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'w', labels: { w: '1' } }, data: { v: '1' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'unwatched' } } });
    await core.replaceNamespacedConfigMap({ namespace: ns, name: 'w', body: { ...cm, data: { v: '2' } } });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'w' });
    await eventually(() => expect(seen).toEqual(['ADDED w {"v":"1"}', 'MODIFIED w {"v":"2"}', 'DELETED w {"v":"2"}']));
    ctl.abort();

    // Resume: only what happened after the given resourceVersion is replayed.
    const resumed: string[] = [];
    const ctl2 = await watch.watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: cm.metadata!.resourceVersion, labelSelector: 'w=1' }, (type, obj) => resumed.push(`${type} ${obj.metadata.name}`), () => {});
    await eventually(() => expect(resumed).toEqual(['MODIFIED w', 'DELETED w']));
    ctl2.abort();
  });

  it('reports objects entering and leaving the selector as ADDED and DELETED', async () => {
    const seen: string[] = [];
    const ctl = await new Watch(emu.kubeConfig).watch(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: 'phase=on' }, (type, obj) => seen.push(`${type} ${obj.metadata.name}`), () => {});
    const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'mover', labels: { phase: 'off' } } } });
    const on = await core.replaceNamespacedConfigMap({ namespace: ns, name: 'mover', body: { ...cm, metadata: { ...cm.metadata, labels: { phase: 'on' } } } });
    await core.replaceNamespacedConfigMap({ namespace: ns, name: 'mover', body: { ...on, metadata: { ...on.metadata, labels: { phase: 'off' } } } });
    await eventually(() => expect(seen).toEqual(['ADDED mover', 'DELETED mover']));
    ctl.abort();
  });

  it('sends a 410 Expired error for a resourceVersion older than the history', async () => {
    const errors: any[] = [];
    const ctl = await new Watch(emu.kubeConfig).watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: '-5' }, (type, obj) => errors.push({ type, obj }), () => {});
    await eventually(() => expect(errors).toEqual([{ type: 'ERROR', obj: expect.objectContaining({ code: 410, reason: 'Expired' }) }]));
    ctl.abort();
  });

  it('drives a client-node informer through add, update and delete', async () => {
    const informer = makeInformer<V1ConfigMap>(emu.kubeConfig, `/api/v1/namespaces/${ns}/configmaps`, () => core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'inf=yes' }), 'inf=yes');
    const events: string[] = [];
    informer.on('add', o => events.push(`add ${o.metadata!.name} ${o.data?.v}`));
    informer.on('update', o => events.push(`update ${o.metadata!.name} ${o.data?.v}`));
    informer.on('delete', o => events.push(`delete ${o.metadata!.name}`));
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'pre', labels: { inf: 'yes' } }, data: { v: '0' } } });
    await informer.start();
    await eventually(() => expect(events).toEqual(['add pre 0']));
    const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'inf', labels: { inf: 'yes' } }, data: { v: '1' } } });
    await eventually(() => expect(informer.get('inf', ns)?.data).toEqual({ v: '1' }));
    await core.replaceNamespacedConfigMap({ namespace: ns, name: 'inf', body: { ...cm, data: { v: '2' } } });
    await eventually(() => expect(informer.get('inf', ns)?.data).toEqual({ v: '2' }));
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'inf' });
    await eventually(() => expect(informer.get('inf', ns)).toBeUndefined());
    expect(events).toEqual(['add pre 0', 'add inf 1', 'update inf 2', 'delete inf']);
    expect(informer.list(ns).map(o => o.metadata!.name)).toEqual(['pre']);
    await informer.stop();
  });

  it('fails the n-th matching request with the given status, records requests, and injects latency', async () => {
    emu.requests.length = 0;
    emu.faults.failNth({ method: 'POST', pathPattern: /\/secrets$/, n: 2, status: 500 });
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'f1' } } });
    const s = await failure(core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'f2' } } }));
    expect(s).toMatchObject({ code: 500, reason: 'InternalError', kind: 'Status' });
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'f3' } } });
    expect((await failure(core.readNamespacedSecret({ namespace: ns, name: 'f2' }))).code).toBe(404);
    expect(emu.requests.filter(r => r.path.includes('/secrets')).map(r => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `POST /api/v1/namespaces/${ns}/secrets 201`,
      `POST /api/v1/namespaces/${ns}/secrets 500`,
      `POST /api/v1/namespaces/${ns}/secrets 201`,
      `GET /api/v1/namespaces/${ns}/secrets/f2 404`,
    ]);
    emu.faults.failNth({ method: 'GET', pathPattern: 'secrets/f1', n: 1, status: 409, reason: 'Conflict' });
    expect(await failure(core.readNamespacedSecret({ namespace: ns, name: 'f1' }))).toMatchObject({ code: 409, reason: 'Conflict' });
    emu.faults.clear();

    emu.faults.latency(150, { method: 'GET' });
    const t0 = Date.now();
    await core.readNamespacedSecret({ namespace: ns, name: 'f1' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    emu.faults.clear();
  });

  it('persists the cluster to a file and loads it on the next start', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-emu-'));
    const file = path.join(dir, 'cluster.json');
    const first = await startEmulator({ persistFile: file });
    const c1 = first.kubeConfig.makeApiClient(CoreV1Api);
    await c1.createNamespace({ body: { metadata: { name: 'kept' } } });
    const created = await c1.createNamespacedSecret({ namespace: 'kept', body: { metadata: { name: 's' }, stringData: { k: 'v' } } });
    await first.close();
    const second = await startEmulator({ persistFile: file });
    const c2 = second.kubeConfig.makeApiClient(CoreV1Api);
    const read = await c2.readNamespacedSecret({ namespace: 'kept', name: 's' });
    expect(read.metadata!.uid).toBe(created.metadata!.uid);
    expect(read.data).toEqual({ k: 'dg==' });
    // resourceVersions continue from where the previous run stopped.
    const next = await c2.createNamespacedSecret({ namespace: 'kept', body: { metadata: { name: 't' } } });
    expect(Number(next.metadata!.resourceVersion)).toBeGreaterThan(Number(created.metadata!.resourceVersion));
    await second.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
