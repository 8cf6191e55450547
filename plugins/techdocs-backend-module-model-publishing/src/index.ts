/**
 * TechDocs backend module: entities annotated `backstage.io/techdocs-builder: external` are never built by
 * the portal (the model-publishing backend publishes their guide sites).
 *
 * @packageDocumentation
 */
export { techdocsModuleModelPublishing as default } from './module';
export {
  ExternalBuilderDocsBuildStrategy,
  TECHDOCS_BUILDER_ANNOTATION,
} from './ExternalBuilderDocsBuildStrategy';
