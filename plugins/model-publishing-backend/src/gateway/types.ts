import type { ServingFacts } from './upstream';
import type {
  PublishConfig,
  PublishableModelKind,
  RateLimits,
} from '@model-publishing/plugin-model-publishing-common';

import type { KubeObject } from '../kubernetes/objects';

/** Kubernetes objects belong to the cluster layer (kubernetes/objects.ts); re-exported for the builders' callers. */
export type { KubeObject, PublicationObject } from '../kubernetes/objects';

/** Where and how published models are exposed (from the plugin's config). */
export interface GatewaySettings {
  /** The Gateway every route attaches to. */
  name: string;
  namespace: string;
  /** Listener of that Gateway, if routes must attach to one listener only. */
  sectionName?: string;
  /** Public base URL for traditional models, e.g. https://models.example.com */
  publicBaseUrl: string;
  /** Hostname template for LLMs, e.g. '{name}-{namespace}.llm.example.com' */
  llmHostnameTemplate: string;
  /** How clients reach an LLM's hostname when not directly, e.g. 'http://localhost:8080/_host/{hostname}' (local gateway). */
  llmBaseUrlTemplate?: string;
  /** Per-key buckets and token costs need global (Redis-backed) rate limiting. */
  rateLimitMode: 'global' | 'local';
}

/** One active API key as it goes into the Secret. `key` is the raw key: never log this object. */
export interface BuildKey {
  clientId: string;
  key: string;
  /** This key's own limits; each field set here replaces the publication's limit for that window. */
  rateLimits?: RateLimits;
  /**
   * The client id of the key this one was rotated from, while that key is still valid (grace
   * period): the two share one budget instead of doubling it.
   */
  sharesBudgetWith?: string;
}

export interface BuildInput {
  publicationId: string;
  /** The InferenceService (or LLMInferenceService) being published. */
  isvc: KubeObject;
  detection: { kind: PublishableModelKind; openaiPathPrefix?: string };
  config: PublishConfig;
  /** Active keys to put in the Secret. */
  keys: BuildKey[];
  gateway: GatewaySettings;
  /**
   * What the cluster says about how KServe serves the model (its inferenceservice-config, an
   * LLMInferenceService's workload Service). Without it the upstream is decided from the model alone.
   */
  serving?: ServingFacts;
  /**
   * Policy kinds with a Gateway-level policy to merge into (reviewGatewayPolicies): our route policy
   * of that kind sets `mergeType: StrategicMerge`, so the Gateway's keeps applying.
   */
  mergeWithGateway?: Partial<
    Record<'SecurityPolicy' | 'BackendTrafficPolicy', boolean>
  >;
  /**
   * Headers every response of the route carries (a deprecated publication's Deprecation, Sunset and Link):
   * the HTTPRoute's ResponseHeaderModifier filter; for an LLM, whose HTTPRoute AI Gateway generates, an
   * EnvoyExtensionPolicy's Lua filter on that route (envoyExtensionPolicy.ts).
   */
  responseHeaders?: { name: string; value: string }[];
}

/** A public URL of a publication, for the guide, the catalog and the UI. */
export interface PublicationEndpoint {
  url: string;
  description: string;
}
