/**
 * Annotation, label and tag names this module writes or reads. The design-level names (§8) come from
 * model-publishing-common; the ones here describe a model on its catalog entity and are only read by people
 * and by catalog filters.
 */
export {
  ANNOTATION_INFERENCE_SERVICE,
  ANNOTATION_CLUSTER,
} from '@model-publishing/plugin-model-publishing-common';
export {
  KUBERNETES_ANNOTATION as ANNOTATION_KUBERNETES_ID,
  KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION as ANNOTATION_KUBERNETES_LABEL_SELECTOR,
} from '@backstage/plugin-kubernetes-common';

/** Read by the Kubernetes backend; plugin-kubernetes-common exports no constant for it. */
export const ANNOTATION_KUBERNETES_NAMESPACE =
  'backstage.io/kubernetes-namespace';

/** `InferenceService` or `LLMInferenceService`: which resource the entity stands for. */
export const ANNOTATION_RESOURCE_KIND = 'model-publishing/resource-kind';
/** `spec.predictor.model.modelFormat.name` (or the legacy predictor key, e.g. `sklearn`). */
export const ANNOTATION_MODEL_FORMAT = 'model-publishing/model-format';
/** ServingRuntime / ClusterServingRuntime name, from the spec or from the status. */
export const ANNOTATION_RUNTIME = 'model-publishing/runtime';
/** `v1`, `v2`, `grpc-v1`, `grpc-v2` as written on the InferenceService (absent = KServe's default). */
export const ANNOTATION_PROTOCOL_VERSION = 'model-publishing/protocol-version';
/** The model URI (`storageUri` / `spec.model.uri`). */
export const ANNOTATION_STORAGE_URI = 'model-publishing/storage-uri';
/** `status.url` of the InferenceService: the in-cluster (or ingress) URL, not the published one. */
export const ANNOTATION_URL = 'model-publishing/url';
/** The Ready condition's message/reason when the model is not ready. */
export const ANNOTATION_READY_MESSAGE = 'model-publishing/ready-message';
/** Set when a detection function is plugged in: `openai`, `v1`, `v2`, `grpc`, `unknown`. */
export const ANNOTATION_DETECTED_KIND = 'model-publishing/detected-kind';
export const ANNOTATION_DETECTED_CONFIDENCE =
  'model-publishing/detected-confidence';

/** On API entities: the publication the API was generated from. */
export const ANNOTATION_PUBLICATION_ID = 'model-publishing/publication-id';
/** On API entities: `<cluster>/<namespace>/<name>` of the published model. Deliberately NOT the
 * `model-publishing/inference-service` annotation, so only the Component resolves to the model. */
export const ANNOTATION_PUBLISHED_MODEL = 'model-publishing/published-model';

/** TechDocs: where the docs come from (`url:` of the Publish tab); required for the Docs tab to look for a site at all. */
export const ANNOTATION_TECHDOCS_REF = 'backstage.io/techdocs-ref';
/**
 * TechDocs: `external` = the site is generated and published by someone else (the model-publishing
 * backend), so the TechDocs backend must not try to build it (see README, "TechDocs").
 */
export const ANNOTATION_TECHDOCS_BUILDER = 'backstage.io/techdocs-builder';
export const TECHDOCS_BUILDER_EXTERNAL = 'external';

/** Catalog label: `"true"` / `"false"`, so the catalog can be filtered by readiness. */
export const LABEL_READY = 'model-publishing/ready';
/**
 * Catalog label: `"true"` when the model has a live publication, `"false"` when it has none; absent while
 * the publications are unknown (backend not reached yet, or `publications: false`). The "Publish a model"
 * template offers only `ready: "true"`, `published: "false"` models.
 */
export const LABEL_PUBLISHED = 'model-publishing/published';

/** Keys read, in order, from the InferenceService and then its Namespace (annotations before labels). */
export const OWNER_KEYS = [
  'model-publishing/owner',
  'backstage.io/owner',
] as const;
export const SYSTEM_KEYS = [
  'model-publishing/system',
  'backstage.io/system',
] as const;
export const LIFECYCLE_KEYS = [
  'model-publishing/lifecycle',
  'backstage.io/lifecycle',
] as const;

export const COMPONENT_TYPE = 'inference-service';
export const LOCATION_PREFIX = 'model-publishing';

/**
 * On an API entity our provider emitted: the catalog entities holding live keys of the publication
 * (comma-separated refs). The consumers processor turns it into consumesApi / apiConsumedBy relations,
 * and only on entities managed by this provider (an annotation anyone could write proves nothing).
 */
export const ANNOTATION_CONSUMERS = 'model-publishing/consumers';
