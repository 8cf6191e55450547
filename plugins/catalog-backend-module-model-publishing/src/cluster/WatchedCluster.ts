import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import type { ClusterSnapshot, KubeObjectLike } from '../mapping/types';
import { InformerSource, ResourceInformer } from './ResourceInformer';

const KSERVE_GROUP = 'serving.kserve.io';
const PAGE_SIZE = 500;

export interface WatchedClusterOptions {
  /** Only these namespaces (one watch per namespace and kind); all namespaces when empty. */
  namespaces: string[];
  /** Relist every resource this often. */
  resyncMs: number;
  logger: LoggerService;
  /** Called after any cached object changed. */
  onChange(): void;
  retryMs?: number;
  minWatchTimeoutSeconds?: number;
}

type ListResult = {
  items?: KubeObjectLike[];
  metadata?: { resourceVersion?: string; continue?: string };
};

/**
 * InferenceServices, LLMInferenceServices and Namespaces of one cluster, kept by informers (list once,
 * then watch). Reading the snapshot costs no request; the cluster sees the watches and one list per
 * kind per resync period.
 */
export class WatchedCluster {
  private readonly models: ResourceInformer[];
  private readonly namespaces: ResourceInformer;

  constructor(kubeConfig: KubeConfig, o: WatchedClusterOptions) {
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const common = {
      kubeConfig,
      logger: o.logger,
      onChange: o.onChange,
      resyncMs: o.resyncMs,
      retryMs: o.retryMs,
      minWatchTimeoutSeconds: o.minWatchTimeoutSeconds,
    };
    const scopes: (string | undefined)[] = o.namespaces.length
      ? o.namespaces
      : [undefined];
    const crd = (plural: string, kind: string, versions: string[]) =>
      scopes.map(
        namespace =>
          new ResourceInformer({
            ...common,
            sources: versions.map(version =>
              customSource(custom, {
                group: KSERVE_GROUP,
                version,
                plural,
                kind,
                namespace,
              }),
            ),
          }),
      );
    this.models = [
      ...crd('inferenceservices', 'InferenceService', ['v1beta1']),
      // v1alpha2 is the storage version in KServe 0.16+; older installs only serve v1alpha1.
      ...crd('llminferenceservices', 'LLMInferenceService', [
        'v1alpha2',
        'v1alpha1',
      ]),
    ];
    this.namespaces = new ResourceInformer({
      ...common,
      sources: [
        {
          path: '/api/v1/namespaces',
          apiVersion: 'v1',
          kind: 'Namespace',
          listPage: async token => {
            const page = await core.listNamespace({
              limit: PAGE_SIZE,
              _continue: token,
            });
            return {
              items: page.items as KubeObjectLike[],
              resourceVersion: page.metadata?.resourceVersion,
              continueToken: page.metadata?._continue || undefined,
            };
          },
        },
      ],
    });
  }

  /**
   * Starts the informers (once) and waits for their first list. Throws the list error while the models
   * have never been listed; the Namespace list is optional (without list/watch on namespaces, entities
   * just get no owner/system/lifecycle from them).
   */
  async ready(): Promise<void> {
    await Promise.all([...this.models, this.namespaces].map(i => i.start()));
    const failed = this.models.find(i => !i.synced);
    if (failed)
      throw failed.error ?? new Error('the models are not listed yet');
  }

  snapshot(): ClusterSnapshot {
    const models = this.models.flatMap(i => i.list());
    const inferenceServices = models.filter(o => o.kind === 'InferenceService');
    const llmInferenceServices = models.filter(
      o => o.kind === 'LLMInferenceService',
    );
    const wanted = new Set(models.map(o => o.metadata?.namespace));
    const namespaces = this.namespaces
      .list()
      .filter(ns => wanted.has(ns.metadata?.name));
    return { inferenceServices, llmInferenceServices, namespaces };
  }

  stop(): void {
    for (const i of [...this.models, this.namespaces]) i.stop();
  }
}

function customSource(
  custom: CustomObjectsApi,
  r: {
    group: string;
    version: string;
    plural: string;
    kind: string;
    namespace?: string;
  },
): InformerSource {
  const { group, version, plural, namespace } = r;
  return {
    path: namespace
      ? `/apis/${group}/${version}/namespaces/${namespace}/${plural}`
      : `/apis/${group}/${version}/${plural}`,
    apiVersion: `${group}/${version}`,
    kind: r.kind,
    listPage: async token => {
      const query = {
        group,
        version,
        plural,
        limit: PAGE_SIZE,
        _continue: token,
      };
      const page: ListResult = namespace
        ? await custom.listNamespacedCustomObject({ ...query, namespace })
        : await custom.listClusterCustomObject(query);
      return {
        items: page.items ?? [],
        resourceVersion: page.metadata?.resourceVersion,
        continueToken: page.metadata?.continue || undefined,
      };
    },
  };
}
