export { buildGuide, buildGuideSections } from './buildGuide';
export type {
  GuidePublication,
  GuideDetection,
  GuideOptions,
} from './buildGuide';
export { buildOpenApiDocument } from './buildOpenApiDocument';
export type { OpenApiDocument } from './buildOpenApiDocument';
export { exampleCalls } from './examples';
export type { ExampleCall } from './examples';
export { API_KEY_ENV } from './snippets';
