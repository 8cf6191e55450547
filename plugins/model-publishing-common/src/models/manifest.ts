/**
 * The parts of a Kubernetes object (InferenceService, LLMInferenceService, ServingRuntime) that model-kind
 * detection reads. Loose on purpose: the backend's typed objects and the catalog module's raw list items
 * both fit, and detection never throws on a manifest that lacks a field.
 */
export interface ModelManifest {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec?: any;
  status?: any;
}
