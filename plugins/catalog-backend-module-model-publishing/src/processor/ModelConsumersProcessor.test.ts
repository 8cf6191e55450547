import type { Entity } from '@backstage/catalog-model';
import { ANNOTATION_CONSUMERS } from '../constants';
import { ModelConsumersProcessor } from './ModelConsumersProcessor';

const api = (consumers: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: {
    name: 'fraud-sklearn-api',
    namespace: 'default',
    annotations: { [ANNOTATION_CONSUMERS]: consumers },
  },
  spec: {
    type: 'openapi',
    lifecycle: 'production',
    owner: 'group:default/fraud-detection',
    definition: '{}',
  },
});

async function relationsOf(
  entity: Entity,
  location = { type: 'model-publishing', target: 'local' },
) {
  const emitted: unknown[] = [];
  await new ModelConsumersProcessor().postProcessEntity(entity, location, r =>
    emitted.push(r),
  );
  return emitted
    .map(
      r =>
        (
          r as {
            relation: {
              source: { name: string };
              type: string;
              target: { name: string };
            };
          }
        ).relation,
    )
    .map(r => `${r.source.name} ${r.type} ${r.target.name}`);
}

describe('ModelConsumersProcessor', () => {
  it('draws consumesApi and apiConsumedBy for each consuming Component of our API entities', async () => {
    expect(
      await relationsOf(
        api(
          'component:default/paul-scoring-app,user:default/paul,group:default/platform',
        ),
      ),
    ).toEqual([
      'paul-scoring-app consumesApi fraud-sklearn-api',
      'fraud-sklearn-api apiConsumedBy paul-scoring-app',
    ]);
  });

  it('ignores the annotation on entities from anywhere else (anyone can write it in a catalog-info.yaml)', async () => {
    expect(
      await relationsOf(api('component:default/paul-scoring-app'), {
        type: 'url',
        target: 'https://example.com/catalog-info.yaml',
      }),
    ).toEqual([]);
    expect(
      await relationsOf({ ...api('component:default/x'), kind: 'Component' }),
    ).toEqual([]);
  });

  it('skips refs that do not parse', async () => {
    expect(await relationsOf(api('not a ref:/,component:default/app'))).toEqual(
      [
        'app consumesApi fraud-sklearn-api',
        'fraud-sklearn-api apiConsumedBy app',
      ],
    );
  });
});
