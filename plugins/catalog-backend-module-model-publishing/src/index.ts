/**
 * Catalog backend module for model publishing: KServe InferenceServices and LLMInferenceServices as
 * `Component`s (`spec.type: inference-service`), published endpoints as `API` entities.
 *
 * @packageDocumentation
 */
export { catalogModuleModelPublishing as default } from './module';
export {
  ModelPublishingEntityProvider,
  type ModelPublishingEntityProviderOptions,
  type RunResult,
} from './provider/ModelPublishingEntityProvider';
export {
  PublicationsClient,
  type PublicationsSource,
} from './publications/PublicationsClient';
export {
  readProviderConfigs,
  DEFAULT_SCHEDULE,
  DEFAULT_RESYNC_MS,
  type ProviderConfig,
} from './config';
export { InferenceServiceReader } from './cluster/InferenceServiceReader';
export {
  buildComponentEntities,
  type ModelComponent,
} from './mapping/componentEntities';
export {
  publicationToApiEntity,
  apiEntityName,
  isLivePublication,
} from './mapping/apiEntities';
export { describeModel, type ModelSummary } from './mapping/describeModel';
export { resolveOwnership } from './mapping/ownership';
export { assignEntityNames, toEntityName } from './mapping/entityNames';
export type {
  ClusterSnapshot,
  KubeObjectLike,
  ModelKindDetector,
  ComponentMappingOptions,
} from './mapping/types';
export * from './constants';
