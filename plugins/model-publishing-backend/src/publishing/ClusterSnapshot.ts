import {
  LABEL_MANAGED_BY,
  MANAGED_BY_VALUE,
} from '@model-publishing/plugin-model-publishing-common';
import type { KubeObject } from '../gateway/types';
import type { ClusterClient, ObjectRef } from '../kubernetes/ClusterClient';
import type { ModelLookup } from '../kubernetes/ModelWatch';
import { MANAGED_KINDS } from './objects';

/** What the reconciler lists besides the labelled objects: the models and their runtimes. */
const MODEL_KINDS = {
  inferenceService: {
    apiVersions: ['serving.kserve.io/v1beta1'],
    kind: 'InferenceService',
  },
  /** v1alpha2 is the storage version from KServe 0.16; older installs serve only v1alpha1. */
  llmInferenceService: {
    apiVersions: ['serving.kserve.io/v1alpha2', 'serving.kserve.io/v1alpha1'],
    kind: 'LLMInferenceService',
  },
  servingRuntime: {
    apiVersions: ['serving.kserve.io/v1alpha1'],
    kind: 'ServingRuntime',
  },
  clusterServingRuntime: {
    apiVersions: ['serving.kserve.io/v1alpha1'],
    kind: 'ClusterServingRuntime',
  },
} as const;

type ModelKind = keyof typeof MODEL_KINDS;

/** `namespace/name` ('' namespace for cluster-scoped objects). */
function at(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function index(items: KubeObject[]): Map<string, KubeObject> {
  return new Map(
    items.map(i => [at(i.metadata.namespace, i.metadata.name), i]),
  );
}

/**
 * One cluster as the reconciler sees it in one pass: a cluster-wide list per kind of the objects
 * carrying our managed-by label, and of the models and ServingRuntimes (one list per kind, whatever
 * the number of publications). Drift is decided against it in memory; only what differs is read live.
 *
 * A list that fails (e.g. no cluster-wide list permission on a kind) leaves that kind unknown: the
 * snapshot then answers nothing for it, and callers read those objects live, as without a snapshot.
 */
export class ClusterSnapshot implements ModelLookup {
  private constructor(
    readonly cluster: string,
    /** Labelled objects by apiVersion|kind|namespace/name; undefined for a kind whose list failed. */
    private readonly managed: Map<string, Map<string, KubeObject> | undefined>,
    private readonly models: Record<
      ModelKind,
      Map<string, KubeObject> | undefined
    >,
  ) {}

  /** Lists every kind concurrently (the client's limiter bounds how many are in flight). */
  static async take(client: ClusterClient): Promise<ClusterSnapshot> {
    const labelSelector = `${LABEL_MANAGED_BY}=${MANAGED_BY_VALUE}`;
    const managedLists = MANAGED_KINDS.map(({ apiVersion, kind }) =>
      client
        .list(apiVersion, kind, { labelSelector })
        .then(items => index(items))
        .catch(() => undefined),
    );
    const modelKinds = Object.keys(MODEL_KINDS) as ModelKind[];
    const modelLists = modelKinds.map(k =>
      listFirstServed(client, MODEL_KINDS[k].apiVersions, MODEL_KINDS[k].kind),
    );
    const [managed, models] = await Promise.all([
      Promise.all(managedLists),
      Promise.all(modelLists),
    ]);
    return new ClusterSnapshot(
      client.name,
      new Map(
        MANAGED_KINDS.map(({ apiVersion, kind }, i) => [
          `${apiVersion}|${kind}`,
          managed[i],
        ]),
      ),
      Object.fromEntries(modelKinds.map((k, i) => [k, models[i]])) as Record<
        ModelKind,
        Map<string, KubeObject> | undefined
      >,
    );
  }

  /**
   * The labelled object at `ref`: `{ found }` (found undefined = not in the list, i.e. missing or no
   * longer labelled), or undefined when its kind was not listed.
   */
  object(ref: ObjectRef): { found?: KubeObject } | undefined {
    const byName = this.managed.get(`${ref.apiVersion}|${ref.kind}`);
    if (!byName) return undefined;
    return { found: byName.get(at(ref.namespace, ref.name)) };
  }

  /** Every labelled object listed, with the kind it was listed as. */
  labelled(): KubeObject[] {
    const out: KubeObject[] = [];
    for (const byName of this.managed.values())
      if (byName) out.push(...byName.values());
    return out;
  }

  /** Kinds whose list failed (their labelled objects are unknown this pass). */
  unlistedKinds(): string[] {
    return [...this.managed.entries()]
      .filter(([, v]) => !v)
      .map(([k]) => k.split('|')[1]);
  }

  inferenceService(cluster: string, namespace: string, name: string) {
    return this.model('inferenceService', cluster, namespace, name);
  }

  llmInferenceService(cluster: string, namespace: string, name: string) {
    return this.model('llmInferenceService', cluster, namespace, name);
  }

  /** A model of this snapshot's cluster (undefined for another cluster's, or when its kind was not listed). */
  private model(
    kind: 'inferenceService' | 'llmInferenceService',
    cluster: string,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    return cluster === this.cluster
      ? this.models[kind]?.get(at(namespace, name))
      : undefined;
  }

  servingRuntime(
    cluster: string,
    namespace: string,
    name: string,
  ): { found?: KubeObject } | undefined {
    const { servingRuntime, clusterServingRuntime } = this.models;
    if (cluster !== this.cluster || !servingRuntime || !clusterServingRuntime)
      return undefined;
    return {
      found:
        servingRuntime.get(at(namespace, name)) ??
        clusterServingRuntime.get(at(undefined, name)),
    };
  }
}

/** The kind listed cluster-wide at the first apiVersion the cluster serves; undefined when none answers. */
async function listFirstServed(
  client: ClusterClient,
  apiVersions: readonly string[],
  kind: string,
): Promise<Map<string, KubeObject> | undefined> {
  for (const apiVersion of apiVersions) {
    const items = await client.list(apiVersion, kind).catch(() => undefined);
    if (items) return index(items);
  }
  return undefined;
}
