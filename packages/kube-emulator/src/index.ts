export { loadCrds, crdFromObject, defaultCrdDir } from './crds';
export type { CrdDefinition, CrdVersion, JsonSchema } from './crds';
export { createSchemaValidator } from './validation/validator';
export type { SchemaValidator, ValidateOptions, ValidationResult, FieldError } from './validation/validator';
export type { ResourceType } from './resources';
