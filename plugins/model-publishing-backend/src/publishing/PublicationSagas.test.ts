import { gateway } from '../gateway/__testUtils__/inputs';
import type { KubeObject } from '../gateway/types';
import * as isvcs from '../models/__testUtils__/inferenceServices';
import { detectModelKind } from '@model-publishing/plugin-model-publishing-common';
import { FakeSaga, owned, publicationOf } from './__testUtils__/fakes';
import type { SagaExecutor } from './ClusterSaga';
import type { LoadedModel } from './ModelReader';
import { PublicationBuilder } from './PublicationBuilder';
import {
  confirmModel,
  PublicationSagas,
  StaleModelError,
} from './PublicationSagas';
import type { PublishKind } from './publishPolicy';

const isvc: KubeObject = {
  ...isvcs.sklearnV1,
  metadata: {
    ...isvcs.sklearnV1.metadata,
    namespace: 'models',
    uid: 'u1',
    resourceVersion: '1',
  },
};
const loaded = (model: KubeObject): LoadedModel => ({
  isvc: model,
  detection: detectModelKind(model),
});
const builder = new PublicationBuilder({
  gateway,
  models: { load: async () => loaded(isvc) },
  keys: { readLiveSecretKeys: async () => ({ keys: [] }) },
});
const kindOf = (name: string) => ({
  apiVersion: 'v1',
  kind: name,
  metadata: { name: name.toLowerCase(), namespace: 'models' },
});

function steps(
  o: { check?: () => PublishKind; saga?: FakeSaga; update?: jest.Mock } = {},
) {
  const saga = o.saga ?? new FakeSaga();
  const update =
    o.update ??
    jest.fn(async (id: string, patch: object) =>
      publicationOf({ id, ...patch }),
    );
  const sagas = new PublicationSagas({
    sagas: { begin: () => saga.asSaga() } as unknown as SagaExecutor,
    builder,
    policy: { check: o.check ?? (() => ({ kind: 'v1' })) },
    publications: {
      getOrThrow: async id =>
        publicationOf({
          id,
          objects: [
            owned('Secret', 'old-secret'),
            {
              ...owned('HTTPRoute', 'sklearn-iris-mp'),
              apiVersion: 'gateway.networking.k8s.io/v1',
            },
          ],
        }),
      update,
    },
  });
  return { sagas, saga, update };
}

describe('confirmModel', () => {
  it('passes the very version built from, and throws the live model for any other', async () => {
    await expect(
      confirmModel(isvc, Promise.resolve(loaded(isvc))),
    ).resolves.toBeUndefined();
    const newer = {
      ...isvc,
      metadata: { ...isvc.metadata, resourceVersion: '2' },
    };
    const stale = await confirmModel(
      isvc,
      Promise.resolve(loaded(newer)),
    ).catch(e => e);
    expect(stale).toBeInstanceOf(StaleModelError);
    expect(stale.live.isvc.metadata.resourceVersion).toBe('2');
  });
});

describe('PublicationSagas', () => {
  const createInput = (live?: Promise<LoadedModel>) => ({
    model: { cluster: 'local', namespace: 'models', name: isvc.metadata.name },
    publicationId: 'pub-1',
    config: { rateLimits: {} },
    isvc,
    kind: { kind: 'v1' } as PublishKind,
    keys: [],
    context: undefined,
    objects: [kindOf('Secret') as KubeObject],
    live,
  });

  it('creates the objects it is given in create mode', async () => {
    const { sagas, saga } = steps();
    await sagas.create(saga.asSaga(), createInput());
    expect(saga.calls).toEqual([
      { op: 'apply', mode: 'create', kinds: ['Secret'] },
    ]);
  });

  it('a watched copy behind the cluster: undoes, checks the live model again and creates from it', async () => {
    const check = jest.fn(() => ({ kind: 'v1' } as PublishKind));
    const { sagas, saga } = steps({ check });
    const newer = {
      ...isvc,
      metadata: { ...isvc.metadata, resourceVersion: '2' },
    };
    await sagas.create(
      saga.asSaga(),
      createInput(Promise.resolve(loaded(newer))),
    );
    expect(check).toHaveBeenCalledWith(
      expect.objectContaining({ name: isvc.metadata.name }),
      { rateLimits: {} },
      { creating: false, requireReady: true },
      loaded(newer),
    );
    expect(saga.calls.map(c => c.op)).toEqual(['apply', 'undo', 'apply']);
    expect(saga.calls[2]).toMatchObject({
      mode: 'create',
      kinds: expect.arrayContaining(['HTTPRoute']),
    });
  });

  it('a watched copy whose live model changed kind: 409 after the undo, nothing created again', async () => {
    const { sagas, saga } = steps({ check: () => ({ kind: 'v2' }) });
    const newer = {
      ...isvc,
      metadata: { ...isvc.metadata, resourceVersion: '2' },
    };
    await expect(
      sagas.create(saga.asSaga(), createInput(Promise.resolve(loaded(newer)))),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('changed while it was being published'),
    });
    expect(saga.calls.map(c => c.op)).toEqual(['apply', 'undo']);
  });

  it('converges: applies the plan, then deletes only what the plan no longer has', async () => {
    const { sagas, saga } = steps();
    await sagas.converge(
      saga.asSaga(),
      [owned('Secret', 'secret'), owned('EnvoyExtensionPolicy', 'gone')],
      [kindOf('Secret') as KubeObject],
    );
    expect(saga.calls).toEqual([
      { op: 'apply', mode: 'apply', kinds: ['Secret'] },
      { op: 'delete', names: ['gone'] },
    ]);
  });

  it('reapplies a settled publication from its record and records the objects, only while settled', async () => {
    const { sagas, saga, update } = steps();
    const done = await sagas.reapply('pub-1', 'system:test');
    expect(saga.calls[0]).toMatchObject({ op: 'apply', mode: 'apply' });
    expect(saga.calls[1]).toEqual({ op: 'delete', names: ['old-secret'] });
    expect(update).toHaveBeenCalledWith(
      'pub-1',
      expect.objectContaining({ status: 'published', objects: done.objects }),
      { actor: 'system:test', fromStatuses: ['published', 'degraded'] },
    );
  });

  it('reapplying a dead update: only from updating and under the lease', async () => {
    const { sagas, update } = steps();
    await sagas.reapply('pub-1', 'system:test', 'lease-1');
    expect(update.mock.calls[0][2]).toEqual({
      actor: 'system:test',
      fromStatuses: ['updating'],
      leaseToken: 'lease-1',
    });
  });

  it('a failed reapply undoes its writes, records nothing and rethrows', async () => {
    const saga = new FakeSaga();
    saga.fail = { op: 'apply', error: new Error('admission webhook denied') };
    const { sagas, update } = steps({ saga });
    await expect(sagas.reapply('pub-1', 'system:test')).rejects.toThrow(
      'admission webhook denied',
    );
    expect(saga.calls.map(c => c.op)).toEqual(['apply', 'undo']);
    expect(update).not.toHaveBeenCalled();
  });
});
