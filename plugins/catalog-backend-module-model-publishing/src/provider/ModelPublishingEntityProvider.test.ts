import { mockServices } from '@backstage/backend-test-utils';
import { ModelPublishingEntityProvider } from './ModelPublishingEntityProvider';
import { notReady, sklearnV1, xgboostV2 } from '../__fixtures__/models';
import { publication } from '../__fixtures__/publications';
import { expectValidEntity } from '../__fixtures__/entityValidation';
import {
  config,
  connectBoth,
  connection,
  setup,
  snap,
} from './__testUtils__/providerSetup';

describe('ModelPublishingEntityProvider', () => {
  it('has stable, distinct provider names', () => {
    const { provider } = setup({ cluster: () => snap() });
    expect(provider.getProviderName()).toBe(
      'ModelPublishingEntityProvider:local',
    );
    expect(provider.apiProvider.getProviderName()).toBe(
      'ModelPublishingApiEntityProvider:local',
    );
  });

  it('emits every model as a valid Component in one full mutation with the location key', async () => {
    const s = setup({ cluster: () => snap([sklearnV1, xgboostV2, notReady]) });
    await connectBoth(s);
    await expect(s.provider.run()).resolves.toEqual({ components: 4, apis: 0 });
    expect(s.components.mutations[0].type).toBe('full');
    expect(s.components.names()).toEqual([
      'broken-model',
      'llama-3',
      'sklearn-iris',
      'xgboost-iris',
    ]);
    const m = s.components.mutations[0];
    const keys = m.type === 'full' ? m.entities.map(e => e.locationKey) : [];
    expect(new Set(keys)).toEqual(new Set(['model-publishing:local']));
    for (const entity of s.components.last()) await expectValidEntity(entity);
  });

  it('removes the entity of a deleted InferenceService on the next run (a delta naming only it)', async () => {
    let models = [sklearnV1, xgboostV2];
    const s = setup({ cluster: () => snap(models, []) });
    await connectBoth(s);
    await s.provider.run();
    expect(s.components.names()).toEqual(['sklearn-iris', 'xgboost-iris']);
    models = [xgboostV2];
    await s.provider.run();
    expect(s.components.mutations).toHaveLength(2);
    expect(s.components.mutations[1]).toEqual({
      type: 'delta',
      added: [],
      removed: [
        {
          entityRef: 'component:default/sklearn-iris',
          locationKey: 'model-publishing:local',
        },
      ],
    });
    expect(s.components.names()).toEqual(['xgboost-iris']);
  });

  it('sends nothing when nothing changed, and only the changed entity when one did', async () => {
    let models = [sklearnV1, xgboostV2];
    const s = setup({ cluster: () => snap(models, []) });
    await connectBoth(s);
    await s.provider.run();
    await s.provider.run();
    expect(s.components.mutations).toHaveLength(1);
    models = [
      sklearnV1,
      {
        ...xgboostV2,
        metadata: {
          ...xgboostV2.metadata,
          annotations: {
            ...xgboostV2.metadata?.annotations,
            'model-publishing/owner': 'group:default/other-team',
          },
        },
      },
    ];
    await s.provider.run();
    expect(s.components.mutations).toHaveLength(2);
    const delta = s.components.mutations[1];
    expect(delta.type).toBe('delta');
    expect(
      delta.type === 'delta' && delta.added.map(e => e.entity.metadata.name),
    ).toEqual(['xgboost-iris']);
    expect(
      s.components.last().find(e => e.metadata.name === 'xgboost-iris')!.spec!
        .owner,
    ).toBe('group:default/other-team');
  });

  it('sends a full mutation again after a mutation failed', async () => {
    let models = [sklearnV1, xgboostV2];
    const s = setup({ cluster: () => snap(models, []) });
    await connectBoth(s);
    await s.provider.run();
    models = [xgboostV2];
    (s.components.conn.applyMutation as jest.Mock).mockRejectedValueOnce(
      new Error('database is locked'),
    );
    await expect(s.provider.run()).rejects.toThrow('database is locked');
    await s.provider.run();
    expect(s.components.mutations.at(-1)!.type).toBe('full');
    expect(s.components.names()).toEqual(['xgboost-iris']);
  });

  it('changes nothing when the cluster cannot be read', async () => {
    let up = true;
    const s = setup({
      cluster: () => {
        if (!up) throw new Error('connect ECONNREFUSED');
        return snap();
      },
      publications: () => [publication()],
    });
    await connectBoth(s);
    await s.provider.run();
    up = false;
    const result = await s.provider.run();
    expect(result.clusterError).toContain('ECONNREFUSED');
    expect(s.components.mutations).toHaveLength(1);
    expect(s.apis.mutations).toHaveLength(1);
    expect(s.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('keeping the catalog as it is'),
    );
  });

  it('shares one run between concurrent callers', async () => {
    const read = jest.fn(async () => snap());
    const s = setup({ cluster: read });
    await connectBoth(s);
    await Promise.all([s.provider.run(), s.provider.run()]);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('schedules its run on connect with the task runner', async () => {
    const taskRunner = { run: jest.fn(async () => {}) };
    const provider = new ModelPublishingEntityProvider({
      config,
      logger: mockServices.logger.mock(),
      readCluster: async () => snap(),
      taskRunner,
    });
    await provider.connect(connection().conn);
    expect(taskRunner.run).toHaveBeenCalledWith({
      id: 'ModelPublishingEntityProvider:local:refresh',
      fn: expect.any(Function),
    });
  });
});
