/**
 * The model-publishing backend plugin (docs/design.md §2).
 *
 * @packageDocumentation
 */
export { modelPublishingPlugin as default } from './plugin';
export { modelPublishingPlugin } from './plugin';
export { UnprocessableError } from './errors';
export type { ModelPublishingConfig } from './config';
