import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import {
  FakeSaga,
  fakeLeases,
  owned,
  publicationOf,
} from './__testUtils__/fakes';
import type { SagaExecutor } from './ClusterSaga';
import { AlreadyDone, SettledOperation, startUpdate } from './SettledOperation';
import type { TakeOver } from './Takeover';

const model = {
  cluster: 'local',
  namespace: 'models',
  name: 'sklearn-iris',
  entityRef: 'component:default/sklearn-iris',
};
const op = { actor: 'user:default/alice' };

function settled(
  o: {
    locks?: boolean[];
    now?: Publication;
    taken?: TakeOver;
    leaseExpiresAt?: Date;
  } = {},
) {
  const locks = [...(o.locks ?? [true])];
  const saga = new FakeSaga();
  const { leases, released } = fakeLeases();
  // A lock (into updating or unpublishing) succeeds or not as `locks` says, in turn; other writes do.
  const update = jest.fn(async (id: string, patch: Partial<Publication>) => {
    const locking =
      patch.status === 'updating' || patch.status === 'unpublishing';
    if (locking && !locks.shift()) return undefined;
    return publicationOf({ id, ...patch });
  });
  const audit = jest.fn(async () => undefined);
  const releaseHostnames = jest.fn(async () => undefined);
  const runner = new SettledOperation({
    publications: {
      update,
      get: async () => o.now,
      leaseOf: async () => ({ expiresAt: o.leaseExpiresAt }),
      releaseHostnames,
    },
    leases,
    sagas: { begin: () => saga.asSaga() } as unknown as SagaExecutor,
    takeover: { takeOverIfDead: async () => o.taken },
    builder: { hostnameOf: () => undefined },
    audit: { record: audit },
  });
  return { runner, saga, update, audit, released, releaseHostnames };
}

describe('SettledOperation', () => {
  const current = publicationOf({
    status: 'published',
    objects: [owned('HTTPRoute', 'r')],
  });

  it('locks a settled publication in the operation status under a lease, then runs its saga', async () => {
    const { runner, update, saga } = settled();
    const held = await runner.run(
      current,
      'unpublishing',
      'publication.delete',
      model,
      op,
      s => s.deleteObjects(current.objects),
    );
    expect(update.mock.calls[0]).toEqual([
      'pub-1',
      { status: 'unpublishing' },
      {
        actor: op.actor,
        fromStatuses: ['published', 'degraded'],
        lease: expect.objectContaining({ token: 'token-1' }),
      },
    ]);
    expect(saga.calls).toEqual([{ op: 'delete', names: ['r'] }]);
    expect(held.token).toBe('token-1');
  });

  it('a failed saga is undone, the previous status restored with the reason, audited and rethrown', async () => {
    const { runner, update, saga, audit, released } = settled();
    await expect(
      runner.run(
        current,
        'updating',
        'publication.update',
        model,
        op,
        async () => {
          throw new Error('webhook said no');
        },
      ),
    ).rejects.toThrow('webhook said no');
    expect(saga.calls).toEqual([{ op: 'undo' }]);
    expect(update.mock.calls[1]).toEqual([
      'pub-1',
      { status: 'published' },
      {
        actor: op.actor,
        historyReason: 'update failed: webhook said no',
        leaseToken: 'token-1',
      },
    ]);
    expect(released).toEqual(['pub-1']);
    expect(audit).toHaveBeenCalledWith(
      'publication.update',
      model,
      op,
      'failed',
      'pub-1',
      'update failed: webhook said no',
    );
  });

  it('409 while another operation runs, saying when its lease runs out', async () => {
    const { runner, saga } = settled({
      locks: [false],
      now: publicationOf({ status: 'updating' }),
      leaseExpiresAt: new Date(Date.now() + 30_000),
    });
    await expect(
      runner.run(
        current,
        'updating',
        'publication.update',
        model,
        op,
        async () => undefined,
      ),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /^publication pub-1 is updating; try again when it is settled \(its lease runs out in 3\d s\)$/,
      ),
    });
    expect(saga.calls).toEqual([]);
  });

  it('a dead operation taken over and settled: the lock is tried again', async () => {
    const { runner, update } = settled({
      locks: [false, true],
      now: publicationOf({ status: 'updating' }),
      taken: {
        from: 'updating',
        publication: publicationOf({ status: 'published' }),
      },
    });
    await runner.run(
      current,
      'updating',
      'publication.update',
      model,
      op,
      async () => undefined,
    );
    expect(
      update.mock.calls.filter(c => c[1].status === 'updating'),
    ).toHaveLength(2);
  });

  it('a dead unpublish completed by the takeover is already done; a rolled-back publish is 404', async () => {
    const gone = publicationOf({ status: 'unpublished' });
    const { runner } = settled({
      locks: [false],
      now: gone,
      taken: { from: 'unpublishing', publication: gone },
    });
    const done = await runner
      .run(
        current,
        'unpublishing',
        'publication.delete',
        model,
        op,
        async () => undefined,
      )
      .catch(e => e);
    expect(done).toBeInstanceOf(AlreadyDone);
    expect(done.publication.status).toBe('unpublished');

    const failed = publicationOf({ status: 'failed' });
    const rolledBack = settled({
      locks: [false],
      now: failed,
      taken: { from: 'publishing', publication: failed },
    });
    await expect(
      rolledBack.runner.run(
        current,
        'updating',
        'publication.update',
        model,
        op,
        async () => undefined,
      ),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining('interrupted publish was rolled back'),
    });
  });
});

describe('startUpdate', () => {
  it('404 for a model with no live publication', async () => {
    const validate = jest.fn();
    await expect(
      startUpdate(
        {
          publications: {
            findLive: async () => undefined,
            findCurrent: async () => publicationOf(),
          },
          policy: { validate },
          builder: { servingContext: async () => undefined },
        },
        model,
        { rateLimits: {} },
      ),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'models/sklearn-iris is not published',
    });
    expect(validate).not.toHaveBeenCalled();
  });

  it('an update starts from the live record and the model validated as an update (not creating, Ready not required)', async () => {
    const validate = jest.fn(async () => ({
      isvc: { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' } },
      detection: {} as any,
      kind: { kind: 'v1' as const },
    }));
    const start = await startUpdate(
      {
        publications: {
          findLive: async () => publicationOf(),
          findCurrent: async () => undefined,
        },
        policy: { validate },
        builder: { servingContext: async () => undefined },
      },
      model,
      { rateLimits: {} },
    );
    expect(validate).toHaveBeenCalledWith(
      model,
      { rateLimits: {} },
      { creating: false, requireReady: false },
    );
    expect(start.current.id).toBe('pub-1');
    expect(start.kind).toEqual({ kind: 'v1' });
  });
});
