import type { ComponentEntityV1alpha1 } from '@backstage/catalog-model';
import { LABEL_PUBLISHED } from '../constants';
import type { ModelComponent } from '../mapping/componentEntities';
import { withExternalTechDocs } from '../mapping/techdocs';

/**
 * The decorated copy of each built entity, with what it was decorated with: a model whose entity and
 * publication did not change keeps the same object, which entityDelta does not serialize again.
 */
const decorated = new WeakMap<
  ComponentEntityV1alpha1,
  { key: string; entity: ComponentEntityV1alpha1 }
>();

/**
 * Marks every Component published or not, names the API entity a published one provides and, with
 * `techdocs`, points its docs at the guide. Built entities are shared between runs, so each gets a new
 * object rather than being changed.
 */
export function decorateComponents(
  components: ModelComponent[],
  apiNames: ReadonlyMap<ModelComponent, string>,
  options: { techdocs: boolean; appBaseUrl?: string },
): void {
  for (const component of components) {
    const api = apiNames.get(component);
    const key = JSON.stringify([api, options.techdocs, options.appBaseUrl]);
    const base = component.entity;
    const known = decorated.get(base);
    if (known?.key === key) {
      component.entity = known.entity;
      continue;
    }
    let entity: ComponentEntityV1alpha1 = {
      ...base,
      metadata: {
        ...base.metadata,
        labels: {
          ...base.metadata.labels,
          [LABEL_PUBLISHED]: String(api !== undefined),
        },
      },
      spec: api ? { ...base.spec, providesApis: [api] } : base.spec,
    };
    if (api && options.techdocs)
      entity = withExternalTechDocs(entity, options.appBaseUrl);
    decorated.set(base, { key, entity });
    component.entity = entity;
  }
}
