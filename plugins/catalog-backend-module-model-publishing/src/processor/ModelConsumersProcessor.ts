import {
  type Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_API_CONSUMED_BY,
  RELATION_CONSUMES_API,
} from '@backstage/catalog-model';
import {
  type CatalogProcessor,
  type CatalogProcessorEmit,
  type LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { ANNOTATION_CONSUMERS, LOCATION_PREFIX } from '../constants';

/**
 * Draws `consumesApi` (Component → the model's API) and its reverse `apiConsumedBy` for every Component
 * holding a live key of the publication, so the catalog graph shows who uses which model. Relations come
 * only from API entities our provider emitted (their location is `model-publishing:<cluster>`, which the
 * catalog sets and nobody's catalog-info.yaml can claim); only Components consume APIs in Backstage's
 * model, so user and group consumers draw nothing.
 */
export class ModelConsumersProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'ModelPublishingConsumersProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    const value = entity.metadata.annotations?.[ANNOTATION_CONSUMERS];
    if (entity.kind !== 'API' || !value || location.type !== LOCATION_PREFIX)
      return entity;
    const api = getCompoundEntityRef(entity);
    for (const raw of value.split(',')) {
      let consumer;
      try {
        consumer = parseEntityRef(raw.trim());
      } catch {
        continue;
      }
      if (consumer.kind.toLocaleLowerCase('en-US') !== 'component') continue;
      emit(
        processingResult.relation({
          source: consumer,
          type: RELATION_CONSUMES_API,
          target: api,
        }),
      );
      emit(
        processingResult.relation({
          source: api,
          type: RELATION_API_CONSUMED_BY,
          target: consumer,
        }),
      );
    }
    return entity;
  }
}
