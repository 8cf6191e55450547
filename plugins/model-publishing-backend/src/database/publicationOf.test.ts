import { publicationOf } from './publicationOf';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';

const model = { cluster: 'local', namespace: 'models', name: 'sklearn-iris' };
const live = { id: 'live' } as Publication;
const last = { id: 'last' } as Publication;

describe('publicationOf', () => {
  it('reads the live or the current publication of the model', async () => {
    const findLive = jest.fn(async () => live);
    const findCurrent = jest.fn(async () => last);
    const store = { findLive, findCurrent };
    expect(await publicationOf(store, model, 'live')).toBe(live);
    expect(await publicationOf(store, model, 'current')).toBe(last);
    expect(findLive).toHaveBeenCalledWith('local', 'models', 'sklearn-iris');
    expect(findCurrent).toHaveBeenCalledWith('local', 'models', 'sklearn-iris');
  });

  it('404 naming the model when it has none', async () => {
    const none = {
      findLive: async () => undefined,
      findCurrent: async () => undefined,
    };
    for (const which of ['live', 'current'] as const)
      await expect(publicationOf(none, model, which)).rejects.toMatchObject({
        name: 'NotFoundError',
        message: 'models/sklearn-iris is not published',
      });
  });
});
