/**
 * Real-shaped KServe manifests shared by the packages' tests. A private workspace package, so no published
 * tarball carries test fixtures.
 *
 * @packageDocumentation
 */
export * from './inferenceServices';
