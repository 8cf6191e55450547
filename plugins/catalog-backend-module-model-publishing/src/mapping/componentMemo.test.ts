import {
  buildComponentEntities,
  type ComponentMemo,
} from './componentEntities';
import type { ComponentMappingOptions, KubeObjectLike } from './types';
import {
  namespace,
  sklearnV1,
  withMeta,
  xgboostV2,
} from '../__fixtures__/models';

const options: ComponentMappingOptions = {
  cluster: 'local',
  locationKey: 'model-publishing:local',
  defaults: { owner: 'group:default/unknown', lifecycle: 'production' },
};

const build = (
  models: KubeObjectLike[],
  namespaces: KubeObjectLike[],
  memo: ComponentMemo,
) =>
  new Map(
    buildComponentEntities(
      { inferenceServices: models, llmInferenceServices: [], namespaces },
      options,
      undefined,
      memo,
    ).map(c => [c.modelRef, c.entity]),
  );

describe('buildComponentEntities with a memo (issue 22: one change rebuilds one Component)', () => {
  it('keeps the entity of every model whose object and Namespace are the ones it was built from', () => {
    const memo: ComponentMemo = new Map();
    const ns = namespace('fraud', {
      annotations: { 'model-publishing/owner': 'group:default/a' },
    });
    const first = build([sklearnV1, xgboostV2], [ns], memo);
    const changed = withMeta(xgboostV2, {
      annotations: { 'model-publishing/owner': 'group:default/b' },
    });
    const second = build([sklearnV1, changed], [ns], memo);
    expect(second.get('fraud/sklearn-iris')).toBe(
      first.get('fraud/sklearn-iris'),
    );
    expect(second.get('fraud/xgboost-iris')).not.toBe(
      first.get('fraud/xgboost-iris'),
    );
    expect(second.get('fraud/xgboost-iris')?.spec.owner).toBe(
      'group:default/b',
    );
    // A new Namespace object (its annotations may differ) rebuilds the models in it.
    const third = build([sklearnV1, changed], [{ ...ns }], memo);
    expect(third.get('fraud/sklearn-iris')).not.toBe(
      second.get('fraud/sklearn-iris'),
    );
    // A model that is gone leaves the memo.
    build([sklearnV1], [ns], memo);
    expect(memo.size).toBe(1);
  });
});
