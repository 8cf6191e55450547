import { NotFoundError } from '@backstage/errors';
import {
  detectModelKind,
  type ModelInfo,
  type ModelKindDetection,
  type ModelResourceKind,
} from '@model-publishing/plugin-model-publishing-common';
import type { KubeObject } from '../gateway/types';
import type { ClusterClient } from '../kubernetes/ClusterClient';
import type { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import type { ModelLookup } from '../kubernetes/ModelWatch';
import { conditionsOf, predictorRuntime } from '../kubernetes/readers';

/** A model's address after resolution (router's ModelTarget satisfies it). */
export interface ModelLocation {
  cluster: string;
  namespace: string;
  name: string;
  entityRef?: string;
  owner?: string;
  /** Which resource to read; unset = an InferenceService, else an LLMInferenceService of that name. */
  resourceKind?: ModelResourceKind;
}

/** What the API says about a model (openapi.yaml's ModelInfo). */
export type { ModelInfo };

/** A model as read from the cluster, with what was derived from it. */
export interface LoadedModel {
  isvc: KubeObject;
  runtime?: KubeObject;
  detection: ModelKindDetection;
}

/** How long a ServingRuntime lookup is reused. */
const RUNTIME_CACHE_MS = 30_000;

const INFERENCE_SERVICE = {
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
};
/** v1alpha2 is the storage version from KServe 0.16; older installs serve only v1alpha1. */
const LLM_INFERENCE_SERVICE_VERSIONS = [
  'serving.kserve.io/v1alpha2',
  'serving.kserve.io/v1alpha1',
];

/** Whether the model's Ready condition is True, and why not. */
export function readiness(isvc: KubeObject): {
  ready: boolean;
  message?: string;
} {
  const ready = conditionsOf(isvc).find(c => c.type === 'Ready');
  if (ready?.status === 'True') return { ready: true };
  return {
    ready: false,
    message:
      ready?.message ??
      ready?.reason ??
      'the InferenceService has no Ready condition yet',
  };
}

/** The copy a lookup holds of the model: the kind the entity names, else an InferenceService before an LLMInferenceService. */
function copyOf(
  models: ModelLookup,
  model: ModelLocation,
): KubeObject | undefined {
  const at = [model.cluster, model.namespace, model.name] as const;
  return (
    (model.resourceKind !== 'LLMInferenceService'
      ? models.inferenceService(...at)
      : undefined) ??
    (model.resourceKind !== 'InferenceService'
      ? models.llmInferenceService?.(...at)
      : undefined)
  );
}

/**
 * Reads models (InferenceService or LLMInferenceService, with their ServingRuntime) from a cluster,
 * or from the watches' copies when they are in sync.
 */
export class ModelReader {
  private readonly runtimeCache = new Map<
    string,
    { value?: KubeObject; expires: number }
  >();

  constructor(
    private readonly o: { clusters: ClusterRegistry; models?: ModelLookup },
  ) {}

  /**
   * The InferenceService (or LLMInferenceService) and its ServingRuntime, or 404. With `from` (a
   * snapshot the caller listed, e.g. the reconciler's), the model and runtime come from there when it
   * has them; what it does not have is read live.
   */
  async load(model: ModelLocation, from?: ModelLookup): Promise<LoadedModel> {
    const client = this.o.clusters.get(model.cluster);
    const copy = from ? copyOf(from, model) : undefined;
    if (copy) return this.withRuntime(client, copy, from);
    const found = await this.readModelObject(client, model);
    if (!found) {
      throw new NotFoundError(
        `${model.resourceKind ?? 'InferenceService'} ${model.namespace}/${
          model.name
        } not found in cluster '${model.cluster}'`,
      );
    }
    const isvc: KubeObject = {
      ...found.object,
      apiVersion: found.object.apiVersion ?? found.apiVersion,
      kind: found.object.kind ?? found.kind,
    };
    return this.withRuntime(client, isvc);
  }

  /**
   * What the model page shows, from the watches' copy when they are in sync (no cluster round trip on a
   * read the portal makes on every page view; the copy is as fresh as the watch), else read live.
   */
  async describe(model: ModelLocation): Promise<ModelInfo> {
    const { isvc, detection } = await this.load(model, this.o.models);
    const { ready, message } = readiness(isvc);
    const runtime = predictorRuntime(isvc);
    return {
      cluster: model.cluster,
      namespace: model.namespace,
      name: model.name,
      ...(model.entityRef ? { entityRef: model.entityRef } : {}),
      ready,
      ...(message ? { readyMessage: message } : {}),
      detection,
      ...(runtime ? { runtime } : {}),
    };
  }

  /**
   * A Ready watched copy of the model to build from, with the live read that must confirm it, or
   * undefined (no watch, not in sync, unknown or not-Ready model: read live first, as without a watch).
   */
  speculative(
    model: ModelLocation,
  ): { watched: Promise<LoadedModel>; live: Promise<LoadedModel> } | undefined {
    const models = this.o.models;
    if (!models) return undefined;
    const copy = copyOf(models, model);
    if (!copy || !readiness(copy).ready) return undefined;
    const live = this.load(model);
    // Awaited before the route (or dropped when validation fails first): never an unhandled rejection.
    live.catch(() => undefined);
    return {
      watched: this.withRuntime(this.o.clusters.get(model.cluster), copy),
      live,
    };
  }

  /** The model with its ServingRuntime (if it names one) and the kind detected from both. */
  private async withRuntime(
    client: ClusterClient,
    isvc: KubeObject,
    from?: ModelLookup,
  ): Promise<LoadedModel> {
    const runtimeName = predictorRuntime(isvc);
    const runtime = runtimeName
      ? await this.runtime(client, isvc.metadata.namespace!, runtimeName, from)
      : undefined;
    return { isvc, runtime, detection: detectModelKind(isvc, runtime) };
  }

  /**
   * Reads the model's resource: the kind the entity names, else an InferenceService and, failing
   * that, an LLMInferenceService of the same name (records made before the kind was known).
   */
  private async readModelObject(
    client: ClusterClient,
    model: ModelLocation,
  ): Promise<
    { object: KubeObject; apiVersion: string; kind: string } | undefined
  > {
    const at = { namespace: model.namespace, name: model.name };
    if (model.resourceKind !== 'LLMInferenceService') {
      const object = await client.get({ ...INFERENCE_SERVICE, ...at });
      if (object) return { object, ...INFERENCE_SERVICE };
      if (model.resourceKind === 'InferenceService') return undefined;
    }
    for (const apiVersion of LLM_INFERENCE_SERVICE_VERSIONS) {
      // A version the cluster does not serve (or a cluster without the CRD) answers 404 or an error
      // from discovery: try the next one.
      const object = await client
        .get({ apiVersion, kind: 'LLMInferenceService', ...at })
        .catch(() => undefined);
      if (object) return { object, apiVersion, kind: 'LLMInferenceService' };
    }
    return undefined;
  }

  /**
   * A ServingRuntime (namespaced, else cluster-wide), looked up concurrently and cached briefly:
   * runtimes are cluster configuration that rarely changes, and the lookup would otherwise add a
   * round trip to every publish of a model that names one.
   */
  private async runtime(
    client: ClusterClient,
    namespace: string,
    name: string,
    from?: ModelLookup,
  ): Promise<KubeObject | undefined> {
    // A snapshot or the runtime watches, when in sync, answer without a round trip (including "there is none").
    const watched =
      from?.servingRuntime?.(client.name, namespace, name) ??
      this.o.models?.servingRuntime?.(client.name, namespace, name);
    if (watched) return watched.found;
    const key = `${client.name}/${namespace}/${name}`;
    const cached = this.runtimeCache.get(key);
    if (cached && cached.expires > Date.now()) return cached.value;
    const ignore = () => undefined;
    const [namespaced, clusterWide] = await Promise.all([
      client
        .get({
          apiVersion: 'serving.kserve.io/v1alpha1',
          kind: 'ServingRuntime',
          namespace,
          name,
        })
        .catch(ignore),
      client
        .get({
          apiVersion: 'serving.kserve.io/v1alpha1',
          kind: 'ClusterServingRuntime',
          namespace: '',
          name,
        })
        .catch(ignore),
    ]);
    const value = namespaced ?? clusterWide;
    this.runtimeCache.set(key, {
      value,
      expires: Date.now() + RUNTIME_CACHE_MS,
    });
    return value;
  }
}
