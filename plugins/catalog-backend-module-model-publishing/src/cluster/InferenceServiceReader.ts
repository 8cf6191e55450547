import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import type { ClusterSnapshot, KubeObjectLike } from '../mapping/types';
import { statusCode } from './statusCode';

const KSERVE_GROUP = 'serving.kserve.io';
const ISVC = {
  group: KSERVE_GROUP,
  plural: 'inferenceservices',
  versions: ['v1beta1'],
};
/** v1alpha2 is the storage version in KServe 0.16+; older installs only serve v1alpha1. */
const LLMISVC = {
  group: KSERVE_GROUP,
  plural: 'llminferenceservices',
  versions: ['v1alpha2', 'v1alpha1'],
};
const PAGE_SIZE = 500;

export interface ReaderOptions {
  /** Only these namespaces; all when absent or empty. */
  namespaces?: string[];
  /** Per API call. */
  timeoutMs?: number;
}

function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} timed out after ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Reads InferenceServices, LLMInferenceServices and their Namespaces from one cluster. I/O only: no
 * decisions beyond "a kind that is not installed contributes nothing".
 */
export class InferenceServiceReader {
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly namespaces: string[];
  private readonly timeoutMs: number;

  constructor(kubeConfig: KubeConfig, options: ReaderOptions = {}) {
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.namespaces = options.namespaces ?? [];
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  async read(): Promise<ClusterSnapshot> {
    const [inferenceServices, llmInferenceServices] = await Promise.all([
      this.listKind(ISVC),
      this.listKind(LLMISVC),
    ]);
    const wanted = new Set(
      [...inferenceServices, ...llmInferenceServices]
        .map(o => o.metadata?.namespace)
        .filter((ns): ns is string => !!ns),
    );
    const namespaces = await this.readNamespaces(wanted);
    return { inferenceServices, llmInferenceServices, namespaces };
  }

  /** Lists one kind in every configured namespace; a kind whose CRD is not installed yields []. */
  private async listKind(kind: {
    group: string;
    plural: string;
    versions: string[];
  }): Promise<KubeObjectLike[]> {
    for (const version of kind.versions) {
      try {
        if (this.namespaces.length === 0) {
          return await this.listPages(kind.group, version, kind.plural);
        }
        const perNamespace = await Promise.all(
          this.namespaces.map(ns =>
            this.listPages(kind.group, version, kind.plural, ns),
          ),
        );
        return perNamespace.flat();
      } catch (error) {
        // 404: this version (or the whole CRD) is not served here; try the next version.
        if (statusCode(error) !== 404) throw error;
      }
    }
    return [];
  }

  private async listPages(
    group: string,
    version: string,
    plural: string,
    namespace?: string,
  ): Promise<KubeObjectLike[]> {
    const items: KubeObjectLike[] = [];
    let cont: string | undefined;
    do {
      const what = `list ${plural}.${group}/${version}${
        namespace ? ` in ${namespace}` : ''
      }`;
      const page: {
        items?: KubeObjectLike[];
        metadata?: { continue?: string };
      } = await withTimeout(
        namespace
          ? this.custom.listNamespacedCustomObject({
              group,
              version,
              plural,
              namespace,
              limit: PAGE_SIZE,
              _continue: cont,
            })
          : this.custom.listClusterCustomObject({
              group,
              version,
              plural,
              limit: PAGE_SIZE,
              _continue: cont,
            }),
        this.timeoutMs,
        what,
      );
      for (const item of page.items ?? []) {
        // List items omit apiVersion/kind; restore them so the mapping can tell the kinds apart.
        items.push({
          ...item,
          apiVersion: item.apiVersion ?? `${group}/${version}`,
          kind:
            item.kind ??
            (plural === 'inferenceservices'
              ? 'InferenceService'
              : 'LLMInferenceService'),
        });
      }
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return items;
  }

  /** Namespace metadata supplies owner/system/lifecycle fallbacks; reading it is optional (RBAC). */
  private async readNamespaces(names: Set<string>): Promise<KubeObjectLike[]> {
    const result = await Promise.all(
      [...names].sort().map(async name => {
        try {
          return (await withTimeout(
            this.core.readNamespace({ name }),
            this.timeoutMs,
            `read namespace ${name}`,
          )) as KubeObjectLike;
        } catch (error) {
          const code = statusCode(error);
          if (code === 403 || code === 404) return undefined;
          throw error;
        }
      }),
    );
    return result.filter((ns): ns is KubeObjectLike => !!ns);
  }
}
