/**
 * Extension points of the model-publishing backend, for backend modules.
 *
 * @packageDocumentation
 */
export * from './clusters';
export * from './usage';
