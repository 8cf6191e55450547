import { mockServices } from '@backstage/backend-test-utils';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import { fakeLeases, owned, publicationOf } from './__testUtils__/fakes';
import { Takeover, takenOverError } from './Takeover';

function takeover(
  p: Publication,
  o: { claimed?: boolean; labelled?: ReturnType<typeof owned>[] } = {},
) {
  const { leases, kept, released } = fakeLeases();
  const deleted: string[][] = [];
  const discarded: string[] = [];
  const update = jest.fn(
    async (_id: string, patch: Partial<Publication>, _options?: object) =>
      ({ ...p, ...patch } as Publication),
  );
  const reapply = jest.fn(
    async () =>
      ({
        ...p,
        status: 'published',
        objects: [owned('Secret', 'kept')],
      } as Publication),
  );
  const releaseHostnames = jest.fn(async () => undefined);
  const unpublished = jest.fn();
  const t = new Takeover({
    publications: {
      claim: async () => (o.claimed === false ? undefined : p),
      getOrThrow: async () => p,
      update,
      releaseHostnames,
    },
    leases,
    sagas: {
      listLabelled: async () => o.labelled ?? [],
      deleteAll: async (_cluster, objects) =>
        void deleted.push(objects.map(x => x.name)),
    },
    steps: { reapply },
    builder: { hostnameOf: () => 'kept.llm.example.com' },
    keys: { discardKeys: async id => void discarded.push(id) },
    logger: mockServices.logger.mock(),
    guides: { unpublished },
  });
  return {
    t,
    kept,
    released,
    deleted,
    discarded,
    update,
    reapply,
    releaseHostnames,
    unpublished,
  };
}

describe('Takeover', () => {
  it('rolls an interrupted publish back: its labelled objects and keys go, the record fails', async () => {
    const p = publicationOf({ status: 'publishing' });
    const { t, deleted, discarded, update, kept, released } = takeover(p, {
      labelled: [owned('Secret', 's')],
    });
    const taken = await t.takeOver(p, 'system:test');
    expect(deleted).toEqual([['s']]);
    expect(discarded).toEqual(['pub-1']);
    expect(update).toHaveBeenCalledWith(
      'pub-1',
      {
        status: 'failed',
        statusReason: 'publish was interrupted; its objects were removed',
      },
      {
        actor: 'system:test',
        fromStatuses: ['publishing'],
        leaseToken: 'token-1',
      },
    );
    expect(taken).toMatchObject({
      from: 'publishing',
      publication: { status: 'failed' },
    });
    expect(kept).toEqual(['pub-1']);
    expect(released).toEqual(['pub-1']);
  });

  it('restores an interrupted update from the record and drops objects the record does not have', async () => {
    const p = publicationOf({ status: 'updating' });
    const { t, reapply, releaseHostnames, deleted } = takeover(p, {
      labelled: [owned('Secret', 'kept'), owned('Backend', 'extra')],
    });
    const taken = await t.takeOver(p, 'system:test');
    expect(reapply).toHaveBeenCalledWith('pub-1', 'system:test', 'token-1');
    expect(releaseHostnames).toHaveBeenCalledWith(
      'pub-1',
      'kept.llm.example.com',
    );
    expect(deleted).toEqual([['extra']]);
    expect(taken?.publication.status).toBe('published');
  });

  it('completes an interrupted unpublish and tells the guides', async () => {
    const p = publicationOf({
      status: 'unpublishing',
      objects: [owned('HTTPRoute', 'r')],
    });
    const { t, deleted, discarded, update, unpublished } = takeover(p, {
      labelled: [owned('Secret', 's')],
    });
    const taken = await t.takeOver(p, 'system:test');
    expect(deleted).toEqual([['r', 's']]);
    expect(discarded).toEqual(['pub-1']);
    expect(update.mock.calls[0][2]).toMatchObject({
      historyReason: 'unpublish was interrupted; completed',
    });
    expect(unpublished).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'unpublished' }),
    );
    expect(taken?.publication.status).toBe('unpublished');
  });

  it('leaves a record another process claimed (or whose operation is alive) alone', async () => {
    const p = publicationOf({ status: 'publishing' });
    const { t, kept, deleted } = takeover(p, { claimed: false });
    expect(await t.takeOver(p, 'system:test')).toBeUndefined();
    expect(kept).toEqual([]);
    expect(deleted).toEqual([]);
  });

  it('a request takes over only records in flight', async () => {
    const settled = publicationOf({ status: 'published' });
    const { t, update } = takeover(settled);
    expect(
      await t.takeOverIfDead(settled, { actor: 'user:default/alice' }),
    ).toBeUndefined();
    expect(update).not.toHaveBeenCalled();
  });

  it('names the operation that was taken over in its 409', () => {
    expect(takenOverError('pub-1', 'update')).toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'publication pub-1: this update stopped renewing its lease',
      ),
    });
  });
});
