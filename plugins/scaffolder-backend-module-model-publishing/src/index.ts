/**
 * Scaffolder actions to publish, update and unpublish models through the model-publishing backend,
 * acting as the user who runs the template.
 *
 * @packageDocumentation
 */
export { scaffolderModuleModelPublishing as default } from './module';
export * from './actions';
export { ModelPublishingClient } from './client/ModelPublishingClient';
