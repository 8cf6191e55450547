import { NotFoundError } from '@backstage/errors';
import type { ServingFacts } from '../gateway';
import { childName } from '../gateway/upstream';
import type { GatewaySettings, KubeObject } from '../gateway/types';
import { ClusterError } from '../kubernetes/errors';
import type { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import type { ModelLocation } from './ModelReader';

/**
 * What publishing decides from besides the model itself: how KServe serves it (its
 * inferenceservice-config, an LLMInferenceService's workload Service), the policies already around
 * the route, and the other models of the namespace (name collisions).
 */
export interface ServingContext {
  serving: ServingFacts;
  /** SecurityPolicies and BackendTrafficPolicies of the model's and the Gateway's namespaces. */
  policies: KubeObject[];
  /** InferenceServices and LLMInferenceServices of the model's namespace (only when asked for). */
  namespaceModels: KubeObject[];
  /** What could not be read (not served, or not allowed), said in the dry run. */
  unread: string[];
}

const POLICY_KINDS = [
  { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'SecurityPolicy' },
  {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'BackendTrafficPolicy',
  },
];
const MODEL_KINDS = [
  { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService' },
  { apiVersion: 'serving.kserve.io/v1alpha2', kind: 'LLMInferenceService' },
];

/** How long a cluster-wide fact (KServe's config, a namespace's policies) is reused by rebuilds. */
const CACHE_MS = 30_000;

/**
 * Reads the serving context from the model's cluster. A read the cluster refuses (403, a kind it does
 * not serve) leaves that fact out and says so; an unreachable cluster fails the operation (503).
 */
export class ServingContextReader {
  private readonly cache = new Map<
    string,
    { at: number; value: Promise<unknown> }
  >();

  constructor(
    private readonly o: {
      clusters: ClusterRegistry;
      gateway: GatewaySettings;
      /** Namespace of KServe's controller and its inferenceservice-config ConfigMap. */
      kserveNamespace: string;
      now?: () => number;
    },
  ) {}

  /**
   * `fresh`: read everything now (publish, update, dry run); otherwise cluster-wide facts may come from
   * the last 30 s (the reconciler's rebuilds). `withModels`: also list the namespace's models.
   */
  async read(
    model: ModelLocation,
    options: { fresh: boolean; withModels?: boolean },
  ): Promise<ServingContext> {
    const client = this.o.clusters.get(model.cluster);
    const unread: string[] = [];
    const tolerate = async <T>(
      what: string,
      read: () => Promise<T>,
      fallback: T,
    ): Promise<T> => {
      try {
        return await read();
      } catch (error) {
        // 404 on a list: the kind is not served; ClusterError: any other refusal (403). Both are facts
        // we do without; 503 (unreachable) is not.
        if (error instanceof NotFoundError || error instanceof ClusterError) {
          unread.push(`${what}: ${(error as Error).message}`);
          return fallback;
        }
        throw error;
      }
    };
    const cached = <T>(key: string, read: () => Promise<T>): Promise<T> => {
      const now = (this.o.now ?? Date.now)();
      const hit = this.cache.get(key);
      if (!options.fresh && hit && now - hit.at < CACHE_MS)
        return hit.value as Promise<T>;
      const value = read();
      this.cache.set(key, { at: now, value });
      value.catch(() => this.cache.delete(key));
      return value;
    };

    const config = tolerate(
      `ConfigMap ${this.o.kserveNamespace}/inferenceservice-config`,
      () =>
        cached(`${model.cluster}/config`, () =>
          client.get({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            namespace: this.o.kserveNamespace,
            name: 'inferenceservice-config',
          }),
        ),
      undefined,
    );
    const workload =
      model.resourceKind === 'LLMInferenceService'
        ? tolerate(
            'the workload Service',
            () =>
              client.get({
                apiVersion: 'v1',
                kind: 'Service',
                namespace: model.namespace,
                name: childName(model.name, '-kserve-workload-svc'),
              }),
            undefined,
          )
        : Promise.resolve(undefined);
    const namespaces = [
      ...new Set([model.namespace, this.o.gateway.namespace]),
    ];
    const policies = Promise.all(
      POLICY_KINDS.flatMap(k =>
        namespaces.map(ns =>
          tolerate(
            `${k.kind}s of namespace ${ns}`,
            () =>
              cached(`${model.cluster}/${ns}/${k.kind}`, () =>
                client.list(k.apiVersion, k.kind, { namespace: ns }),
              ),
            [] as KubeObject[],
          ),
        ),
      ),
    );
    const models = options.withModels
      ? Promise.all(
          MODEL_KINDS.map(k =>
            tolerate(
              `${k.kind}s of namespace ${model.namespace}`,
              () =>
                client.list(k.apiVersion, k.kind, {
                  namespace: model.namespace,
                }),
              [] as KubeObject[],
            ),
          ),
        )
      : Promise.resolve([]);

    const [configMap, workloadService, policyLists, modelLists] =
      await Promise.all([config, workload, policies, models]);
    const serving: ServingFacts = {
      ...(configMap?.data
        ? { inferenceServiceConfig: configMap.data as Record<string, string> }
        : {}),
      ...(workloadService ? { workloadService } : {}),
    };
    return {
      serving,
      policies: policyLists.flat(),
      namespaceModels: modelLists.flat(),
      unread,
    };
  }
}
