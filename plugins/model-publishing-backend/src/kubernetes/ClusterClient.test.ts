import { startEmulator, type Emulator } from '@model-publishing/kube-emulator';
import { ClusterClient, retryOnConflict } from './ClusterClient';
import { mapClusterError } from './errors';
import { ConcurrencyLimiter } from './limiter';

jest.setTimeout(60_000);

describe('ConcurrencyLimiter', () => {
  it('never runs more than max tasks at once and runs them all', async () => {
    const limiter = new ConcurrencyLimiter(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise(r => setTimeout(r, 5));
          running--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('mapClusterError', () => {
  it.each([
    [404, 'NotFoundError'],
    [409, 'ConflictError'],
    [422, 'InputError'],
    [400, 'InputError'],
    [503, 'ServiceUnavailableError'],
    // A cluster that fails (5xx) is unavailable for now: 503 with Retry-After (issue 14, finding 6).
    [500, 'ServiceUnavailableError'],
    [403, 'ClusterError'],
  ])('maps HTTP %s to %s with the Status message', (code, name) => {
    const error = mapClusterError(
      { code, body: JSON.stringify({ message: 'the reason' }) },
      'creating X',
      'local',
    );
    expect(error.name).toBe(name);
    expect(error.message).toContain('the reason');
  });
  it('maps timeouts to 503', () => {
    expect(
      mapClusterError(
        Object.assign(new Error('t'), { name: 'TimeoutError' }),
        'reading X',
        'local',
      ).name,
    ).toBe('ServiceUnavailableError');
  });
});

describe('retryOnConflict', () => {
  it('retries 409s and gives up after the attempts', async () => {
    let calls = 0;
    const conflict = Object.assign(new Error('busy'), {
      name: 'ConflictError',
    });
    await expect(
      retryOnConflict(async () => {
        calls++;
        if (calls < 3) throw conflict;
        return 'ok';
      }),
    ).resolves.toBe('ok');
    calls = 0;
    await expect(
      retryOnConflict(async () => {
        calls++;
        throw conflict;
      }, 4),
    ).rejects.toBe(conflict);
    expect(calls).toBe(4);
    await expect(
      retryOnConflict(async () => {
        throw new Error('other');
      }),
    ).rejects.toThrow('other');
  });
});

describe('ClusterClient against the emulator', () => {
  let emulator: Emulator;
  let client: ClusterClient;
  beforeAll(async () => {
    emulator = await startEmulator();
    client = new ClusterClient({
      name: 'local',
      kubeConfig: emulator.kubeConfig,
      // Generous: a loaded CI machine must not turn an ordinary read into a timeout. The timeout test
      // below uses a client of its own with a short one.
      timeoutMs: 10_000,
      maxConcurrent: 2,
    });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  afterEach(() => emulator.faults.clear());

  const cm = (name: string, data: Record<string, string> = { a: '1' }) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default', labels: { app: 'mp-test' } },
    data,
  });
  const ref = (name: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: 'default',
    name,
  });

  it('creates, reads, lists by label, replaces, patches and deletes', async () => {
    await client.create(cm('one'));
    await expect(client.create(cm('one'))).rejects.toMatchObject({
      name: 'ConflictError',
    });
    expect((await client.get(ref('one')))?.data).toEqual({ a: '1' });
    expect(await client.get(ref('absent'))).toBeUndefined();
    await client.create(cm('two'));
    const listed = await client.list('v1', 'ConfigMap', {
      namespace: 'default',
      labelSelector: 'app=mp-test',
    });
    expect(listed.map(o => o.metadata.name).sort()).toEqual(['one', 'two']);
    expect(listed[0]).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    const one = (await client.get(ref('one')))!;
    await client.replace({ ...one, data: { a: '2' } });
    await client.patch({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'one', namespace: 'default' },
      data: { b: '3' },
    } as any);
    expect((await client.get(ref('one')))?.data).toEqual({ a: '2', b: '3' });
    expect(await client.delete(ref('one'))).toBe(true);
    expect(await client.delete(ref('one'))).toBe(false);
  });

  it('follows continue tokens past one page for built-in kinds and custom resources alike', async () => {
    const api = emulator.api as any;
    const cmType = api.registry.forKind('v1', 'ConfigMap');
    const srType = api.registry.forKind(
      'serving.kserve.io/v1alpha1',
      'ServingRuntime',
    );
    for (let i = 0; i < 503; i++) {
      const name = `paged-${String(i).padStart(3, '0')}`;
      api.create(cmType, 'default', {
        metadata: { name, labels: { paged: 'yes' } },
      });
      api.create(srType, 'default', {
        metadata: { name, labels: { paged: 'yes' } },
        spec: { containers: [{ name: 'c', image: 'i' }] },
      });
    }
    emulator.requests.length = 0;
    const cms = await client.list('v1', 'ConfigMap', {
      labelSelector: 'paged=yes',
    });
    const srs = await client.list(
      'serving.kserve.io/v1alpha1',
      'ServingRuntime',
      { labelSelector: 'paged=yes' },
    );
    expect(cms).toHaveLength(503);
    expect(srs).toHaveLength(503);
    expect(new Set(srs.map(o => o.metadata.name)).size).toBe(503);
    // Two pages of at most 500 each.
    expect(
      emulator.requests.filter(r => r.query.includes('continue=')),
    ).toHaveLength(2);
  });

  // Server-side apply, as https://kubernetes.io/docs/reference/using-api/server-side-apply/ states it.
  describe('server-side apply', () => {
    const other = () =>
      new ClusterClient({
        name: 'local',
        kubeConfig: emulator.kubeConfig,
        timeoutMs: 10_000,
        maxConcurrent: 2,
        fieldManager: 'someone-else',
      });
    const managers = async (name: string) => {
      const found = await client.get(ref(name));
      const entries = found?.metadata.managedFields as
        | { manager: string; operation: string }[]
        | undefined;
      return (entries ?? []).map(e => `${e.manager}/${e.operation}`).sort();
    };

    it('creates the object, then removes the fields this manager stops applying ("Field management")', async () => {
      const created = await client.apply(cm('ssa-create', { a: '1', b: '2' }));
      expect(created.data).toEqual({ a: '1', b: '2' });
      expect(await managers('ssa-create')).toEqual([
        'backstage-model-publishing/Apply',
      ]);
      const applied = await client.apply(cm('ssa-create', { a: '1' }));
      expect(applied.data).toEqual({ a: '1' });
      // One PATCH per apply: no read first, no PUT.
      const writes = emulator.requests.filter(
        r => r.path.endsWith('/configmaps/ssa-create') && r.method !== 'GET',
      );
      expect(writes.map(r => r.method)).toEqual(['PATCH', 'PATCH']);
    });

    it('is a 409 where another manager set a field to another value ("Conflicts"); force takes it over', async () => {
      await other().apply(cm('ssa-conflict', { a: 'theirs' }));
      await expect(
        client.apply(cm('ssa-conflict', { a: 'ours' })),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      expect((await client.get(ref('ssa-conflict')))?.data).toEqual({
        a: 'theirs',
      });
      // The same value is no conflict: both managers own it.
      await client.apply(cm('ssa-conflict', { a: 'theirs' }));
      const forced = await client.apply(cm('ssa-conflict', { a: 'ours' }), {
        force: true,
      });
      expect(forced.data).toEqual({ a: 'ours' });
      expect(await managers('ssa-conflict')).toEqual([
        'backstage-model-publishing/Apply',
      ]);
    });

    it('takes the fields of our own earlier create into the apply, so dropping one removes it ("Upgrading from client-side apply")', async () => {
      await client.create(cm('ssa-upgrade', { a: '1', b: '2' }));
      expect(await managers('ssa-upgrade')).toEqual([
        'backstage-model-publishing/Update',
      ]);
      const current = await client.get(ref('ssa-upgrade'));
      const applied = await client.apply(cm('ssa-upgrade', { a: '1' }), {
        current,
      });
      expect(applied.data).toEqual({ a: '1' });
      expect(await managers('ssa-upgrade')).toEqual([
        'backstage-model-publishing/Apply',
      ]);
    });
  });

  it('a replace that hits a 409 is a ConflictError: retryOnConflict reads again and writes', async () => {
    await client.apply(cm('rmw'));
    emulator.faults.failNth({
      n: 1,
      method: 'PUT',
      pathPattern: '/configmaps/rmw',
      status: 409,
    });
    let attempts = 0;
    await retryOnConflict(async () => {
      attempts++;
      const current = (await client.get(ref('rmw')))!;
      return client.replace({ ...current, data: { a: 'after' } });
    });
    expect(attempts).toBe(2);
    expect((await client.get(ref('rmw')))?.data).toEqual({ a: 'after' });
  });

  it('times out a slow request as 503 and bounds concurrency', async () => {
    const impatient = new ClusterClient({
      name: 'local',
      kubeConfig: emulator.kubeConfig,
      timeoutMs: 300,
      maxConcurrent: 2,
    });
    emulator.faults.latency(1000);
    await expect(impatient.get(ref('two'))).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });
    emulator.faults.clear();
    emulator.faults.latency(50);
    emulator.requests.length = 0;
    const since = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => client.get(ref('two'))));
    // The timed-out request above is still held by the server (1 s latency) and is recorded when it
    // ends: count only the requests of this burst.
    const spans = emulator.requests
      .map(r => [r.time - r.durationMs, r.time])
      .filter(([start]) => start >= since - 1);
    const peak = Math.max(
      ...spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length),
    );
    expect(peak).toBeLessThanOrEqual(2);
  });
});
