import { clusterModelPath, entityModelPath } from './modelPath';

describe('model paths', () => {
  it('addresses a model by its catalog entity', () => {
    expect(
      entityModelPath({
        kind: 'component',
        namespace: 'default',
        name: 'fraud-detector',
      }),
    ).toEqual({
      addressedBy: 'entities',
      scope: 'component',
      namespace: 'default',
      name: 'fraud-detector',
    });
  });

  it('addresses a model by its cluster, namespace and name', () => {
    expect(
      clusterModelPath({ cluster: 'prod', namespace: 'models', name: 'sk' }),
    ).toEqual({
      addressedBy: 'models',
      scope: 'prod',
      namespace: 'models',
      name: 'sk',
    });
  });
});
