import {
  ApisApi,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { startEmulator, type Emulator } from '..';
import { eventually, failure } from './helpers';

/**
 * Conformance: drives the emulator only through @kubernetes/client-node, checking the API server rules
 * our plugins depend on.
 */
jest.setTimeout(30000);

describe('kube-emulator conformance (core semantics)', () => {
  let emu: Emulator;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  let objects: KubernetesObjectApi;
  const ns = 'conf';

  beforeAll(async () => {
    emu = await startEmulator();
    core = emu.kubeConfig.makeApiClient(CoreV1Api);
    custom = emu.kubeConfig.makeApiClient(CustomObjectsApi);
    objects = KubernetesObjectApi.makeApiClient(emu.kubeConfig);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });
  afterAll(() => emu.close());

  const route = (name: string, extra: any = {}) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: ns, ...(extra.metadata ?? {}) },
    spec: {
      parentRefs: [
        { name: 'public-gateway', namespace: 'envoy-gateway-system' },
      ],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: `/${name}` } }],
          backendRefs: [{ name: 'svc', port: 80 }],
        },
      ],
      ...(extra.spec ?? {}),
    },
  });
  const gvr = {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    namespace: ns,
    plural: 'httproutes',
  };

  it('serves discovery for core and every CRD group', async () => {
    const groups = await emu.kubeConfig.makeApiClient(ApisApi).getAPIVersions();
    const names = groups.groups.map(g => g.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'gateway.networking.k8s.io',
        'gateway.envoyproxy.io',
        'aigateway.envoyproxy.io',
        'serving.kserve.io',
        'inference.networking.k8s.io',
      ]),
    );
    expect(
      groups.groups.find(g => g.name === 'gateway.networking.k8s.io')!
        .preferredVersion!.version,
    ).toBe('v1');
    const coreRes = await core.getAPIResources();
    expect(coreRes.resources.map(r => r.name)).toEqual(
      expect.arrayContaining([
        'namespaces',
        'secrets',
        'services',
        'configmaps',
      ]),
    );
    const gw = await custom.getAPIResources({
      group: 'serving.kserve.io',
      version: 'v1beta1',
    });
    expect(gw.resources.map(r => r.name)).toEqual([
      'inferenceservices',
      'inferenceservices/status',
    ]);
  });

  it('sets uid, creationTimestamp, generation and a monotonic resourceVersion; supports generateName', async () => {
    const a: any = await custom.createNamespacedCustomObject({
      ...gvr,
      body: route('meta-a'),
    });
    const b: any = await custom.createNamespacedCustomObject({
      ...gvr,
      body: {
        ...route('x'),
        metadata: { generateName: 'gen-', namespace: ns },
      },
    });
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    expect(a.metadata.generation).toBe(1);
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(
      Number(a.metadata.resourceVersion),
    );
    expect(b.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('refuses creation in a namespace that does not exist (404 NotFound)', async () => {
    const s = await failure(
      core.createNamespacedSecret({
        namespace: 'nope',
        body: { metadata: { name: 's' } },
      }),
    );
    expect(s).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'namespaces "nope" not found',
    });
  });

  it('returns 409 AlreadyExists and 404 NotFound as metav1.Status', async () => {
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'dup' }, data: { a: '1' } },
    });
    const s = await failure(
      core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'dup' } },
      }),
    );
    expect(s).toMatchObject({
      kind: 'Status',
      code: 409,
      reason: 'AlreadyExists',
      details: { name: 'dup', kind: 'configmaps' },
    });
    const nf = await failure(
      core.readNamespacedConfigMap({ namespace: ns, name: 'missing' }),
    );
    expect(nf).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'configmaps "missing" not found',
    });
  });

  it('merges Secret stringData into base64 data', async () => {
    await core.createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: { name: 'sd' },
        data: { a: Buffer.from('x').toString('base64') },
        stringData: { b: 'hello' },
      },
    });
    const s = await core.readNamespacedSecret({ namespace: ns, name: 'sd' });
    expect(s.data).toEqual({
      a: 'eA==',
      b: Buffer.from('hello').toString('base64'),
    });
    expect(s.stringData).toBeUndefined();
    expect(s.type).toBe('Opaque');
  });

  it('refuses an update with a stale resourceVersion (409 Conflict)', async () => {
    const cm = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'rv' }, data: { v: '1' } },
    });
    const updated = await core.replaceNamespacedConfigMap({
      namespace: ns,
      name: 'rv',
      body: { ...cm, data: { v: '2' } },
    });
    expect(Number(updated.metadata!.resourceVersion)).toBeGreaterThan(
      Number(cm.metadata!.resourceVersion),
    );
    const s = await failure(
      core.replaceNamespacedConfigMap({
        namespace: ns,
        name: 'rv',
        body: { ...cm, data: { v: '3' } },
      }),
    );
    expect(s).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(s.message).toContain('the object has been modified');
    expect(
      (await core.readNamespacedConfigMap({ namespace: ns, name: 'rv' })).data,
    ).toEqual({ v: '2' });
    // A write that changes nothing keeps the resourceVersion.
    const same = await core.replaceNamespacedConfigMap({
      namespace: ns,
      name: 'rv',
      body: updated,
    });
    expect(same.metadata!.resourceVersion).toBe(
      updated.metadata!.resourceVersion,
    );
  });

  it('bumps generation on spec changes only; status goes through the /status subresource', async () => {
    const created: any = await custom.createNamespacedCustomObject({
      ...gvr,
      body: { ...route('gen'), status: { parents: [] } },
    });
    expect(created.status).toBeUndefined();
    const labelled: any = await custom.replaceNamespacedCustomObject({
      ...gvr,
      name: 'gen',
      body: {
        ...created,
        metadata: { ...created.metadata, labels: { a: 'b' } },
      },
    });
    expect(labelled.metadata.generation).toBe(1);
    const changed: any = await custom.replaceNamespacedCustomObject({
      ...gvr,
      name: 'gen',
      body: {
        ...labelled,
        spec: { ...labelled.spec, hostnames: ['a.example.com'] },
      },
    });
    expect(changed.metadata.generation).toBe(2);
    const status = {
      parents: [
        {
          parentRef: { name: 'public-gateway' },
          controllerName: 'example.com/ctl',
          conditions: [
            {
              type: 'Accepted',
              status: 'True',
              reason: 'Accepted',
              message: '',
              lastTransitionTime: '2025-01-01T00:00:00Z',
              observedGeneration: 2,
            },
          ],
        },
      ],
    };
    const withStatus: any = await custom.replaceNamespacedCustomObjectStatus({
      ...gvr,
      name: 'gen',
      body: {
        ...changed,
        status,
        spec: { ...changed.spec, hostnames: ['ignored.example.com'] },
      },
    });
    expect(withStatus.status.parents[0].conditions[0].type).toBe('Accepted');
    expect(withStatus.spec.hostnames).toEqual(['a.example.com']);
    expect(withStatus.metadata.generation).toBe(2);
    // A main-resource update cannot change status.
    const again: any = await custom.replaceNamespacedCustomObject({
      ...gvr,
      name: 'gen',
      body: { ...withStatus, status: { parents: [] } },
    });
    expect(again.status.parents).toHaveLength(1);
  });

  it('refuses an invalid HTTPRoute with 422 Invalid naming each field', async () => {
    const bad: any = route('bad');
    bad.spec.rules[0].backendRefs[0].port = 'http';
    bad.spec.rules[0].matches[0].path.type = 'Prefix';
    delete bad.spec.parentRefs[0].name;
    const s = await failure(
      custom.createNamespacedCustomObject({ ...gvr, body: bad }),
    );
    expect(s).toMatchObject({
      code: 422,
      reason: 'Invalid',
      details: {
        name: 'bad',
        group: 'gateway.networking.k8s.io',
        kind: 'HTTPRoute',
      },
    });
    expect(s.message).toMatch(
      /^HTTPRoute\.gateway\.networking\.k8s\.io "bad" is invalid: /,
    );
    const fields = s.details.causes.map((c: any) => c.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'spec.rules[0].backendRefs[0].port',
        'spec.rules[0].matches[0].path.type',
        'spec.parentRefs[0].name',
      ]),
    );
    expect(
      s.details.causes.find((c: any) => c.field === 'spec.parentRefs[0].name'),
    ).toEqual({
      reason: 'FieldValueRequired',
      message: 'Required value',
      field: 'spec.parentRefs[0].name',
    });
    await failure(
      custom.getNamespacedCustomObject({ ...gvr, name: 'bad' }),
    ).then(nf => expect(nf.code).toBe(404));
  });

  it('lists with labelSelector (=, !=, in, notin, exists, !exists), fieldSelector and limit/continue', async () => {
    const mk = (name: string, labels: Record<string, string>) =>
      core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name, labels } },
      });
    await mk('l1', { app: 'a', tier: 'web' });
    await mk('l2', { app: 'b', tier: 'web' });
    await mk('l3', { app: 'c' });
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (
        await core.listNamespacedConfigMap({
          namespace: ns,
          labelSelector,
          fieldSelector,
        })
      ).items
        .map(i => i.metadata!.name)
        .filter(n => n!.startsWith('l'));
    expect(await names('app=a')).toEqual(['l1']);
    expect(await names('app!=a,tier')).toEqual(['l2']);
    expect(await names('app in (a, c)')).toEqual(['l1', 'l3']);
    expect(await names('app notin (a),app')).toEqual(['l2', 'l3']);
    expect(await names('!tier,app')).toEqual(['l3']);
    expect(await names(undefined, 'metadata.name=l2')).toEqual(['l2']);
    expect(
      await names(undefined, `metadata.namespace=${ns},metadata.name!=l2`),
    ).toEqual(expect.arrayContaining(['l1', 'l3']));
    const bad = await failure(
      core.listNamespacedConfigMap({
        namespace: ns,
        fieldSelector: 'data.x=1',
      }),
    );
    expect(bad).toMatchObject({ code: 400, reason: 'BadRequest' });

    const page1 = await core.listNamespacedConfigMap({
      namespace: ns,
      labelSelector: 'app',
      limit: 2,
    });
    expect(page1.items.map(i => i.metadata!.name)).toEqual(['l1', 'l2']);
    expect(page1.metadata!._continue).toBeTruthy();
    expect(page1.metadata!.remainingItemCount).toBe(1);
    const page2 = await core.listNamespacedConfigMap({
      namespace: ns,
      labelSelector: 'app',
      limit: 2,
      _continue: page1.metadata!._continue,
    });
    expect(page2.items.map(i => i.metadata!.name)).toEqual(['l3']);
    expect(page2.metadata!._continue).toBeUndefined();
    // Cluster-wide list across namespaces.
    const all = await core.listConfigMapForAllNamespaces({
      labelSelector: 'app=a',
    });
    expect(
      all.items.map(i => `${i.metadata!.namespace}/${i.metadata!.name}`),
    ).toEqual([`${ns}/l1`]);
  });

  it('applies merge patch, JSON patch and strategic merge patch', async () => {
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: {
        metadata: { name: 'p', labels: { keep: 'y', drop: 'y' } },
        data: { a: '1' },
      },
    });
    await core.patchNamespacedConfigMap(
      {
        namespace: ns,
        name: 'p',
        body: { metadata: { labels: { drop: null } }, data: { b: '2' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    let cm = await core.readNamespacedConfigMap({ namespace: ns, name: 'p' });
    expect(cm.metadata!.labels).toEqual({ keep: 'y' });
    expect(cm.data).toEqual({ a: '1', b: '2' });
    await core.patchNamespacedConfigMap(
      {
        namespace: ns,
        name: 'p',
        body: [
          { op: 'test', path: '/data/a', value: '1' },
          { op: 'replace', path: '/data/a', value: '9' },
          { op: 'remove', path: '/data/b' },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    cm = await core.readNamespacedConfigMap({ namespace: ns, name: 'p' });
    expect(cm.data).toEqual({ a: '9' });
    const failedTest = await failure(
      core.patchNamespacedConfigMap(
        {
          namespace: ns,
          name: 'p',
          body: [{ op: 'test', path: '/data/a', value: 'x' }],
        },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    );
    expect(failedTest.code).toBe(422);
    await core.patchNamespacedConfigMap(
      { namespace: ns, name: 'p', body: { data: { c: '3' } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(
      (await core.readNamespacedConfigMap({ namespace: ns, name: 'p' })).data,
    ).toEqual({ a: '9', c: '3' });
    // A patch carrying a stale resourceVersion is a precondition, as on the API server.
    const stale = await failure(
      core.patchNamespacedConfigMap(
        {
          namespace: ns,
          name: 'p',
          body: { metadata: { resourceVersion: '1' }, data: { d: '4' } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(stale.code).toBe(409);
    // A patch that makes a custom resource invalid is refused with 422.
    await custom.createNamespacedCustomObject({
      ...gvr,
      body: route('patched'),
    });
    const inv = await failure(
      custom.patchNamespacedCustomObject(
        {
          ...gvr,
          name: 'patched',
          body: {
            spec: { rules: [{ matches: [{ path: { type: 'Nope' } }] }] },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(inv.code).toBe(422);
    expect(inv.details.causes.map((c: any) => c.field)).toContain(
      'spec.rules[0].matches[0].path.type',
    );
  });

  it('server-side apply: create-or-update, field ownership, removal and conflicts', async () => {
    const apply = (body: any, manager: string, force = false) =>
      objects.patch(
        body,
        undefined,
        undefined,
        manager,
        force,
        PatchStrategy.ServerSideApply,
      );
    const cm = (data: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'ssa', namespace: ns },
      data,
    });
    const created: any = await apply(cm({ a: '1', b: '2' }), 'alpha');
    expect(created.data).toEqual({ a: '1', b: '2' });
    expect(created.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'alpha',
        operation: 'Apply',
        fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } },
      }),
    ]);
    // Another manager adds a field: both coexist.
    await apply(cm({ c: '3' }), 'beta');
    // alpha stops applying b: b is removed; c (beta's) stays.
    const updated: any = await apply(cm({ a: '1' }), 'alpha');
    expect(updated.data).toEqual({ a: '1', c: '3' });
    // beta tries to change alpha's field without force: 409 Conflict naming the manager.
    const c = await failure(apply(cm({ a: '2', c: '3' }), 'beta'));
    expect(c).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(c.message).toContain('conflict with "alpha"');
    const forced: any = await apply(cm({ a: '2', c: '3' }), 'beta', true);
    expect(forced.data).toEqual({ a: '2', c: '3' });
    const alpha = forced.metadata.managedFields.find(
      (m: any) => m.manager === 'alpha',
    );
    expect(alpha).toBeUndefined();
    // Apply of a custom resource that does not exist creates it; invalid applies are refused.
    const applied: any = await apply(route('applied'), 'gitops');
    expect(applied.metadata.generation).toBe(1);
    const bad: any = route('applied');
    bad.spec.rules[0].matches[0].path.type = 'Nope';
    expect((await failure(apply(bad, 'gitops'))).code).toBe(422);
  });

  // kubernetes.io/docs/reference/using-api/server-side-apply/ ("Clearing managedFields"; client-go's
  // csaupgrade moves an Update manager's fields to its Apply entry the same way): managedFields sent in
  // an update or patch replace the live ones, and `[{}]` clears them.
  it('server-side apply: managedFields written by a patch are kept (ownership moved or cleared)', async () => {
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'moved', namespace: ns },
      data: { a: '1', b: '2' },
    };
    const created: any = await objects.create(
      cm,
      undefined,
      undefined,
      'mover',
    );
    expect(created.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: 'mover', operation: 'Update' }),
    ]);
    const moved = created.metadata.managedFields.map((e: any) => ({
      ...e,
      operation: 'Apply',
    }));
    const patched: any = await objects.patch(
      {
        ...cm,
        metadata: {
          ...cm.metadata,
          resourceVersion: created.metadata.resourceVersion,
          managedFields: moved,
        },
      },
      undefined,
      undefined,
      'mover',
      undefined,
      PatchStrategy.MergePatch,
    );
    expect(patched.metadata.resourceVersion).not.toBe(
      created.metadata.resourceVersion,
    );
    expect(patched.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'mover',
        operation: 'Apply',
        fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } },
      }),
    ]);
    // Now the fields are the applier's: applying without b removes it.
    const applied: any = await objects.patch(
      { ...cm, data: { a: '1' } },
      undefined,
      undefined,
      'mover',
      false,
      PatchStrategy.ServerSideApply,
    );
    expect(applied.data).toEqual({ a: '1' });
    const cleared: any = await objects.patch(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { ...cm.metadata, managedFields: [{}] },
      },
      undefined,
      undefined,
      'mover',
      undefined,
      PatchStrategy.MergePatch,
    );
    expect(cleared.data).toEqual({ a: '1' });
    expect(cleared.metadata.managedFields).toBeUndefined();
  });

  it('deletes, deletes collections by label, and honours dryRun', async () => {
    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'dry' } },
      dryRun: 'All',
    });
    expect(
      (await failure(core.readNamespacedSecret({ namespace: ns, name: 'dry' })))
        .code,
    ).toBe(404);
    for (const n of ['d1', 'd2', 'd3']) {
      await core.createNamespacedSecret({
        namespace: ns,
        body: {
          metadata: { name: n, labels: { batch: n === 'd3' ? 'keep' : 'x' } },
        },
      });
    }
    await core.deleteCollectionNamespacedSecret({
      namespace: ns,
      labelSelector: 'batch=x',
    });
    const left = (
      await core.listNamespacedSecret({ namespace: ns, labelSelector: 'batch' })
    ).items.map(s => s.metadata!.name);
    expect(left).toEqual(['d3']);
    await core.deleteNamespacedSecret({ namespace: ns, name: 'd3' });
    expect(
      (await failure(core.readNamespacedSecret({ namespace: ns, name: 'd3' })))
        .code,
    ).toBe(404);
    expect(
      (
        await failure(
          core.deleteNamespacedSecret({ namespace: ns, name: 'd3' }),
        )
      ).reason,
    ).toBe('NotFound');
  });

  it('garbage-collects dependents through ownerReferences (background cascade)', async () => {
    const owner: any = await custom.createNamespacedCustomObject({
      ...gvr,
      body: route('owner'),
    });
    const ownerRef = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      name: 'owner',
      uid: owner.metadata.uid,
      controller: true,
    };
    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'owned', ownerReferences: [ownerRef] } },
    });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'owned-cm', ownerReferences: [ownerRef] } },
    });
    await custom.deleteNamespacedCustomObject({ ...gvr, name: 'owner' });
    await eventually(async () => {
      expect(
        (
          await failure(
            core.readNamespacedSecret({ namespace: ns, name: 'owned' }),
          )
        ).code,
      ).toBe(404);
      expect(
        (
          await failure(
            core.readNamespacedConfigMap({ namespace: ns, name: 'owned-cm' }),
          )
        ).code,
      ).toBe(404);
    });
  });

  it('orphans dependents with propagationPolicy=Orphan', async () => {
    const owner = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'orphan-owner' } },
    });
    const ownerRef = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'orphan-owner',
      uid: owner.metadata!.uid!,
    };
    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'orphan', ownerReferences: [ownerRef] } },
    });
    await core.deleteNamespacedConfigMap({
      namespace: ns,
      name: 'orphan-owner',
      propagationPolicy: 'Orphan',
    });
    await new Promise(r => setTimeout(r, 50));
    const orphan = await core.readNamespacedSecret({
      namespace: ns,
      name: 'orphan',
    });
    expect(orphan.metadata!.ownerReferences).toBeUndefined();
  });

  it('holds deletion while finalizers remain', async () => {
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'fin', finalizers: ['example.com/hold'] } },
    });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'fin' });
    const held = await core.readNamespacedConfigMap({
      namespace: ns,
      name: 'fin',
    });
    expect(held.metadata!.deletionTimestamp).toBeDefined();
    await core.replaceNamespacedConfigMap({
      namespace: ns,
      name: 'fin',
      body: { ...held, metadata: { ...held.metadata, finalizers: [] } },
    });
    expect(
      (
        await failure(
          core.readNamespacedConfigMap({ namespace: ns, name: 'fin' }),
        )
      ).code,
    ).toBe(404);
  });

  it('reads and lists custom resources through KubernetesObjectApi (which uses discovery)', async () => {
    await objects.create(route('koa'));
    const read: any = await objects.read({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'koa', namespace: ns },
    });
    expect(read.spec.parentRefs[0].kind).toBe('Gateway');
    const list = await objects.list(
      'gateway.networking.k8s.io/v1',
      'HTTPRoute',
      ns,
      undefined,
      undefined,
      undefined,
      'metadata.name=koa',
    );
    expect(list.items.map(i => i.metadata!.name)).toEqual(['koa']);
    // The same object is served under every version the CRD serves.
    const beta: any = await custom.getNamespacedCustomObject({
      ...gvr,
      version: 'v1beta1',
      name: 'koa',
    });
    expect(beta.apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
  });

  it('deleting a namespace removes its contents', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedSecret({
      namespace: 'doomed',
      body: { metadata: { name: 's' } },
    });
    const ns1 = await core.deleteNamespace({ name: 'doomed' });
    expect(ns1).toBeDefined();
    await eventually(async () => {
      expect((await failure(core.readNamespace({ name: 'doomed' }))).code).toBe(
        404,
      );
    });
    expect(
      (
        await core.listSecretForAllNamespaces({
          fieldSelector: 'metadata.namespace=doomed',
        })
      ).items,
    ).toEqual([]);
  });
});
