/**
 * Names other systems depend on (docs/design.md §8). Changing any of these breaks existing catalogs and clusters.
 */

/** Catalog entity annotation: `<namespace>/<name>` of the InferenceService this entity is. */
export const ANNOTATION_INFERENCE_SERVICE = 'model-publishing/inference-service';
/** Catalog entity annotation: which configured cluster holds the InferenceService. */
export const ANNOTATION_CLUSTER = 'model-publishing/cluster';
/**
 * Catalog entity annotation (set by the catalog module): which resource the entity stands for,
 * `InferenceService` or `LLMInferenceService` — they may share a namespace and name.
 */
export const ANNOTATION_RESOURCE_KIND = 'model-publishing/resource-kind';

/** The model resources an entity can stand for. */
export type ModelResourceKind = 'InferenceService' | 'LLMInferenceService';

/** The resource kind an entity's annotation names; undefined when absent or not a known kind. */
export function getModelResourceKind(entity: {
  metadata: { annotations?: Record<string, string> };
}): ModelResourceKind | undefined {
  const value = entity.metadata.annotations?.[ANNOTATION_RESOURCE_KIND];
  return value === 'InferenceService' || value === 'LLMInferenceService' ? value : undefined;
}

/** InferenceService annotation: overrides model-kind detection (`openai`, `v1` or `v2`). */
export const ANNOTATION_MODEL_KIND = 'model-publishing/model-kind';

/** Label on every Kubernetes object we create. */
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'backstage-model-publishing';
/** Label on every Kubernetes object we create: the id of the publication that owns it. */
export const LABEL_PUBLICATION = 'model-publishing/publication';

/** Request header the gateway sets to the calling key's client id; limits and usage group by it. */
export const CLIENT_ID_HEADER = 'x-client-id';

/** Address of an InferenceService in a configured cluster. */
export interface InferenceServiceRef {
  cluster?: string;
  namespace: string;
  name: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** True when `value` is a valid Kubernetes namespace / object name segment (RFC 1123 label). */
export function isDnsLabel(value: string): boolean {
  return value.length > 0 && value.length <= 63 && DNS_LABEL.test(value);
}

/**
 * Parses `<namespace>/<name>` (the annotation's value) or `<cluster>/<namespace>/<name>`.
 * Returns undefined for anything else, so callers can say what is wrong.
 */
export function parseInferenceServiceRef(
  value: string | undefined,
  cluster?: string,
): InferenceServiceRef | undefined {
  if (!value) return undefined;
  const parts = value.trim().split('/');
  if (parts.length === 2 && parts.every(isDnsLabel)) {
    return { cluster, namespace: parts[0], name: parts[1] };
  }
  if (parts.length === 3 && parts[0] && parts.slice(1).every(isDnsLabel)) {
    return { cluster: parts[0], namespace: parts[1], name: parts[2] };
  }
  return undefined;
}

/** The InferenceService an entity stands for, from its annotations; undefined when it has none. */
export function getInferenceServiceRef(entity: {
  metadata: { annotations?: Record<string, string> };
}): InferenceServiceRef | undefined {
  const annotations = entity.metadata.annotations ?? {};
  return parseInferenceServiceRef(
    annotations[ANNOTATION_INFERENCE_SERVICE],
    annotations[ANNOTATION_CLUSTER],
  );
}

/** True when the entity carries the annotation that makes the Publish tab show. */
export function isInferenceServiceEntity(entity: {
  metadata: { annotations?: Record<string, string> };
}): boolean {
  return getInferenceServiceRef(entity) !== undefined;
}

/** Backstage's catalog annotations naming where an entity came from (set by the catalog, not the author). */
const ANNOTATION_MANAGED_BY_LOCATION = 'backstage.io/managed-by-location';
const ANNOTATION_MANAGED_BY_ORIGIN_LOCATION = 'backstage.io/managed-by-origin-location';
const PROVIDER_LOCATION_TYPE = 'model-publishing';

/**
 * The location key the model-publishing entity provider of `cluster` emits its entities under
 * (`model-publishing:<cluster>`); the catalog stamps it on them as their managed-by(-origin) location.
 */
export function modelPublishingLocationKey(cluster: string): string {
  return `${PROVIDER_LOCATION_TYPE}:${cluster}`;
}

/**
 * The cluster whose model-publishing entity provider emitted this entity, or undefined when no such
 * provider did. This is what makes the `inference-service` annotation trustworthy: the catalog
 * overwrites both managed-by annotations on every entity read from a location (a catalog-info.yaml
 * anyone may register), and no location processor reads the `model-publishing` type, so only our
 * provider's entities carry `model-publishing:<cluster>` in both — and the cluster annotation agrees.
 */
export function providerClusterOf(entity: {
  metadata: { annotations?: Record<string, string> };
}): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const cluster = annotations[ANNOTATION_CLUSTER];
  if (!cluster) return undefined;
  const key = modelPublishingLocationKey(cluster);
  return annotations[ANNOTATION_MANAGED_BY_LOCATION] === key &&
    annotations[ANNOTATION_MANAGED_BY_ORIGIN_LOCATION] === key
    ? cluster
    : undefined;
}

/** The filter that finds, in one catalog query, the entity `cluster`'s provider emitted for a model. */
export function providerEntityFilter(
  cluster: string,
  namespace: string,
  name: string,
): Record<string, string> {
  return {
    [`metadata.annotations.${ANNOTATION_INFERENCE_SERVICE}`]: `${namespace}/${name}`,
    [`metadata.annotations.${ANNOTATION_MANAGED_BY_LOCATION}`]: modelPublishingLocationKey(cluster),
  };
}
