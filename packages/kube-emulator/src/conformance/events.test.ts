import { CoreV1Api, type CoreV1Event } from '@kubernetes/client-node';
import { startEmulator, type Emulator } from '..';
import { failure } from './helpers';

/**
 * Conformance: the API server's core/v1 Event rule that an Event is filed in the namespace of the object
 * it is about (`involvedObject.namespace`), checked through @kubernetes/client-node only.
 */
jest.setTimeout(30000);

describe('kube-emulator conformance (core/v1 Event namespace)', () => {
  let emu: Emulator;
  let core: CoreV1Api;
  const namespace = 'ev';

  beforeAll(async () => {
    emu = await startEmulator();
    core = emu.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterAll(() => emu.close());

  const event = (name: string, involved: CoreV1Event['involvedObject'], extra: Partial<CoreV1Event> = {}): CoreV1Event => ({
    metadata: { name },
    involvedObject: involved,
    reason: 'Started',
    message: `${name} happened`,
    type: 'Normal',
    source: { component: 'kubelet', host: 'node-1' },
    count: 1,
    ...extra,
  });

  it('refuses an Event whose involvedObject.namespace is not its own (422 naming the field)', async () => {
    const s = await failure(core.createNamespacedEvent({ namespace, body: event('elsewhere.1', { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: 'default' }) }));
    expect(s).toMatchObject({ code: 422, reason: 'Invalid', details: { name: 'elsewhere.1', kind: 'Event' } });
    expect(s.details.causes).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: "default": does not match event.namespace', field: 'involvedObject.namespace' }]);
    expect(s.message).toBe('Event "elsewhere.1" is invalid: involvedObject.namespace: Invalid value: "default": does not match event.namespace');
    expect((await failure(core.readNamespacedEvent({ namespace, name: 'elsewhere.1' }))).code).toBe(404);
  });

  it('accepts an Event about an object in its own namespace', async () => {
    const created = await core.createNamespacedEvent({ namespace, body: event('web.1', { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace }) });
    expect(created.involvedObject.namespace).toBe(namespace);
  });

  it('refuses a change of involvedObject.namespace to another namespace, on update as on create', async () => {
    const live = await core.readNamespacedEvent({ namespace, name: 'web.1' });
    const s = await failure(core.replaceNamespacedEvent({ namespace, name: 'web.1', body: { ...live, involvedObject: { ...live.involvedObject, namespace: 'default' } } }));
    expect(s).toMatchObject({ code: 422, details: { causes: [expect.objectContaining({ field: 'involvedObject.namespace' })] } });
  });

  it('accepts an Event without involvedObject.namespace (a cluster-scoped object) in default', async () => {
    const created = await core.createNamespacedEvent({ namespace: 'default', body: event('node-1.1', { apiVersion: 'v1', kind: 'Node', name: 'node-1' }, { reason: 'NodeReady' }) });
    expect(created.metadata!.namespace).toBe('default');
    expect(created.involvedObject.namespace).toBeUndefined();
  });

  it('refuses an Event without involvedObject.namespace in any other namespace, as the API server does', async () => {
    const s = await failure(core.createNamespacedEvent({ namespace, body: event('node-1.2', { apiVersion: 'v1', kind: 'Node', name: 'node-1' }) }));
    expect(s).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(s.details.causes).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: "": does not match event.namespace', field: 'involvedObject.namespace' }]);
  });

  it('with eventTime (a newer-style Event), checks only an unset involvedObject.namespace, as the API server does', async () => {
    const newer = { eventTime: new Date('2025-11-01T09:00:00.000000Z'), reportingComponent: 'kubelet', reportingInstance: 'node-1', action: 'Started', source: undefined, count: undefined };
    const s = await failure(core.createNamespacedEvent({ namespace, body: event('node-1.3', { apiVersion: 'v1', kind: 'Node', name: 'node-1' }, newer) }));
    expect(s.details.causes).toEqual([expect.objectContaining({ field: 'involvedObject.namespace', message: 'Invalid value: "": does not match event.namespace' })]);
    const created = await core.createNamespacedEvent({ namespace, body: event('web.2', { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: 'default' }, newer) });
    expect(created.involvedObject.namespace).toBe('default');
  });
});
