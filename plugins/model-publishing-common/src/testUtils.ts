/**
 * Test fixtures shared by the model-publishing packages: real-shaped KServe manifests.
 *
 * @packageDocumentation
 */
export * from './models/__fixtures__/inferenceServices';
