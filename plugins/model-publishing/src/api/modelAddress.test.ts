import { modelAddressFromEntity, modelPath } from './modelAddress';

const entity = (annotations: Record<string, string>) => ({
  metadata: { annotations },
});

describe('modelAddressFromEntity', () => {
  it('uses the default cluster when the annotation is absent', () => {
    expect(
      modelAddressFromEntity(
        entity({ 'model-publishing/inference-service': 'ns/m' }),
      ),
    ).toEqual({
      cluster: 'default',
      namespace: 'ns',
      name: 'm',
    });
  });
  it('uses the cluster annotation', () => {
    expect(
      modelAddressFromEntity(
        entity({
          'model-publishing/inference-service': 'ns/m',
          'model-publishing/cluster': 'prod',
        }),
      ),
    ).toEqual({ cluster: 'prod', namespace: 'ns', name: 'm' });
  });
  it('is undefined without a valid annotation', () => {
    expect(modelAddressFromEntity(entity({}))).toBeUndefined();
    expect(
      modelAddressFromEntity(
        entity({ 'model-publishing/inference-service': 'Bad/Name' }),
      ),
    ).toBeUndefined();
  });
  it('encodes path segments', () => {
    expect(modelPath({ cluster: 'a b', namespace: 'ns', name: 'm' })).toBe(
      '/models/a%20b/ns/m',
    );
  });
});
