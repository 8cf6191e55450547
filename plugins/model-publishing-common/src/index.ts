/**
 * Isomorphic types, permissions, schemas and annotation names shared by the model-publishing plugins.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './types';
export * from './generated';
export * from './guide';
export * from './schemas';
export * from './models';
export * from './modelPath';
export * from './access';
export * from './example';
export * from './signals';
