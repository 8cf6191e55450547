/**
 * Frontend plugin for model publishing: the Publish tab, key manager, usage, audit, API guide and the
 * published-models page. Old frontend system exports here; the new system's plugin is `./alpha`'s default.
 *
 * @packageDocumentation
 */
export {
  modelPublishingPlugin,
  ModelPublishingPage,
  EntityModelPublishingContent,
  EntityPublishStatusCard,
  EntityInferenceServicesCard,
  rootRouteRef,
  createPublicationStatusColumn,
} from './plugin';
export { isInferenceServiceEntity } from '@model-publishing/plugin-model-publishing-common';
export * from './api';
