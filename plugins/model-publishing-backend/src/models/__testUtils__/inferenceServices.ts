// One set of real-shaped KServe manifests serves the common package's and this package's tests.
export * from '@model-publishing/model-fixtures';
