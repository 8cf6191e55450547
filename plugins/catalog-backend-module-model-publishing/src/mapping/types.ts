import type {
  ModelKindDetection,
  ModelManifest,
} from '@model-publishing/plugin-model-publishing-common';

/** The parts of a Kubernetes object the mapping reads: the same loose shape model-kind detection reads. */
export type KubeObjectLike = ModelManifest;

/** Everything one run read from one cluster. */
export interface ClusterSnapshot {
  inferenceServices: KubeObjectLike[];
  llmInferenceServices: KubeObjectLike[];
  /** Namespaces that could be read; missing ones just contribute no owner/system/lifecycle. */
  namespaces: KubeObjectLike[];
}

/** Pluggable model-kind detection (docs/design.md §3). `fromConfig` plugs in model-publishing-common's
 * `detectModelKind`; a provider built without one stores runtime / modelFormat / protocolVersion only. */
export type ModelKindDetector = (
  isvc: KubeObjectLike,
  runtime?: KubeObjectLike,
) => ModelKindDetection;

export interface MappingDefaults {
  /** Entity ref used when neither the InferenceService nor its Namespace names an owner. */
  owner: string;
  lifecycle: string;
  system?: string;
}

export interface ComponentMappingOptions {
  /** The configured cluster name written to `model-publishing/cluster`. */
  cluster: string;
  /** `model-publishing:<cluster>` unless configured otherwise. */
  locationKey: string;
  defaults: MappingDefaults;
  /** Prepended to every entity name, e.g. `prod-` when several clusters feed one catalog. */
  namePrefix?: string;
  detect?: ModelKindDetector;
}
