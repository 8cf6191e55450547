import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  CustomObjectsApi,
  KubeConfig,
  makeInformer,
  type Informer,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';
import type { KubeObject } from '../gateway/types';

/** What a publish asks of a watch: the model as last seen, or nothing when the watch can't say. */
export interface ModelLookup {
  /** The InferenceService as the watch last saw it; undefined when unknown or the watch is not in sync. */
  inferenceService(cluster: string, namespace: string, name: string): KubeObject | undefined;
  /** The same for an LLMInferenceService (serving.kserve.io/v1alpha2). */
  llmInferenceService?(cluster: string, namespace: string, name: string): KubeObject | undefined;
  /**
   * The ServingRuntime a model names (namespaced first, else the ClusterServingRuntime) when the watches
   * are in sync — `{ found: undefined }` then means there is none; undefined when they can't say.
   */
  servingRuntime?(cluster: string, namespace: string, name: string): { found?: KubeObject } | undefined;
}

/** A custom resource type to watch, cluster-wide. */
export interface WatchedResource {
  group: string;
  version: string;
  plural: string;
  kind: string;
}

export const INFERENCE_SERVICES: WatchedResource = {
  group: 'serving.kserve.io',
  version: 'v1beta1',
  plural: 'inferenceservices',
  kind: 'InferenceService',
};
const LLM_INFERENCE_SERVICES: WatchedResource = {
  group: 'serving.kserve.io',
  version: 'v1alpha2',
  plural: 'llminferenceservices',
  kind: 'LLMInferenceService',
};
const SERVING_RUNTIMES: WatchedResource = {
  group: 'serving.kserve.io',
  version: 'v1alpha1',
  plural: 'servingruntimes',
  kind: 'ServingRuntime',
};
const CLUSTER_SERVING_RUNTIMES: WatchedResource = {
  group: 'serving.kserve.io',
  version: 'v1alpha1',
  plural: 'clusterservingruntimes',
  kind: 'ClusterServingRuntime',
};

/** Every resource ModelWatches keeps, in the order their lists are sent. */
export const WATCHED_RESOURCES = [INFERENCE_SERVICES, LLM_INFERENCE_SERVICES, SERVING_RUNTIMES, CLUSTER_SERVING_RUNTIMES];

export interface ModelWatchOptions {
  cluster: string;
  kubeConfig: KubeConfig;
  logger: LoggerService;
  /** What to watch. Default: InferenceServices. */
  resource?: WatchedResource;
  /** Wait before restarting a watch that failed (ms). Default 5000, doubling to 5 minutes. */
  retryMs?: number;
}

const MAX_RETRY_MS = 5 * 60_000;

/**
 * A list+watch cache of one cluster's InferenceServices, or another resource (client-node's informer).
 *
 * Why: publishing must read the model (readiness, uid for ownerReferences) before it writes. With the
 * watch, a publish builds from the cached copy and creates the objects while it re-reads the model,
 * and only creates the route once the live read confirms the same resourceVersion — so the cache saves
 * a round trip without ever publishing from a stale copy (see PublishingService.publish).
 *
 * The cache answers only while its watch is established after a full list; after an error (403 without
 * cluster-wide list/watch, a dropped connection) it answers nothing until a restart has listed again.
 */
export class ModelWatch {
  private informer?: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  private inSync = false;
  private stopped = true;
  private retryTimer?: NodeJS.Timeout;
  private retryMs: number;
  private warned = false;
  /** Bumped on every (re)start, so a late callback of an earlier attempt changes nothing. */
  private attempt = 0;
  private readonly resource: WatchedResource;

  constructor(private readonly o: ModelWatchOptions) {
    this.retryMs = o.retryMs ?? 5000;
    this.resource = o.resource ?? INFERENCE_SERVICES;
  }

  get synced(): boolean {
    return this.inSync;
  }

  /** Starts listing and watching; resolves once the first attempt is in sync or has failed. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.inSync = false;
    this.attempt++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const informer = this.informer;
    this.informer = undefined;
    await informer?.stop();
  }

  /** The object ('' or undefined namespace for a cluster-scoped one); undefined also when not in sync. */
  get(namespace: string | undefined, name: string): KubeObject | undefined {
    if (!this.inSync || !this.informer) return undefined;
    const found = this.informer.get(name, namespace || undefined);
    const { group, version, kind } = this.resource;
    // Lists leave apiVersion/kind off their items; put them back so the object describes itself.
    return found ? ({ ...found, apiVersion: `${group}/${version}`, kind } as KubeObject) : undefined;
  }

  private async connect(): Promise<void> {
    const attempt = ++this.attempt;
    const api = this.o.kubeConfig.makeApiClient(CustomObjectsApi);
    const { group, version, plural } = this.resource;
    const informer = makeInformer<KubernetesObject>(
      this.o.kubeConfig,
      `/apis/${group}/${version}/${plural}`,
      () =>
        api.listClusterCustomObject({ group, version, plural }) as Promise<KubernetesListObject<KubernetesObject>>,
    );
    let failed = false;
    informer.on('error', error => {
      failed = true;
      if (attempt !== this.attempt) return;
      this.inSync = false;
      this.scheduleRetry(error);
    });
    this.informer = informer;
    await informer.start();
    if (attempt !== this.attempt || failed || this.stopped) return;
    this.inSync = true;
    this.retryMs = this.o.retryMs ?? 5000;
    if (this.warned) this.o.logger.info(`cluster '${this.o.cluster}': ${this.resource.kind} watch is back in sync`);
    this.warned = false;
  }

  private scheduleRetry(error: unknown): void {
    if (this.stopped) return;
    const message = (error as { message?: string })?.message ?? String(error);
    const notServed = (error as { code?: number; statusCode?: number })?.code === 404 ||
      (error as { statusCode?: number })?.statusCode === 404;
    if (notServed) {
      // The cluster does not serve this resource (e.g. KServe before LLMInferenceService): nothing is
      // wrong, so no warning; look again now and then in case the CRD gets installed.
      if (!this.warned) {
        this.o.logger.info(`cluster '${this.o.cluster}': ${this.resource.plural}.${this.resource.group}/${this.resource.version} is not served; not watching it`);
        this.warned = true;
      }
      this.retryMs = MAX_RETRY_MS;
    } else if (!this.warned) {
      // Once per outage: publishing still works (it reads the model live), only a little slower.
      const { kind, plural, group } = this.resource;
      this.o.logger.warn(
        `cluster '${this.o.cluster}': ${kind} watch failed (${message}); publishing reads them live until it recovers. ` +
          `Grant list/watch on ${plural}.${group} cluster-wide, or set modelPublishing.watchModels: false.`,
      );
      this.warned = true;
    }
    const informer = this.informer;
    this.informer = undefined;
    void informer?.stop();
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) void this.connect();
    }, wait);
    this.retryTimer.unref?.();
  }
}

/** The watches of every configured cluster (models and their runtimes), as one ModelLookup. */
export class ModelWatches implements ModelLookup {
  private readonly watches = new Map<string, Map<string, ModelWatch>>();

  constructor(clusters: { name: string; kubeConfig: KubeConfig }[], logger: LoggerService, retryMs?: number) {
    for (const c of clusters) {
      const perKind = new Map<string, ModelWatch>();
      for (const resource of WATCHED_RESOURCES) {
        perKind.set(resource.kind, new ModelWatch({ cluster: c.name, kubeConfig: c.kubeConfig, logger, resource, retryMs }));
      }
      this.watches.set(c.name, perKind);
    }
  }

  private all(): ModelWatch[] {
    return [...this.watches.values()].flatMap(perKind => [...perKind.values()]);
  }

  /** Starts every watch; resolves when each has listed once (or failed and will retry). */
  async start(): Promise<void> {
    await Promise.all(this.all().map(w => w.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map(w => w.stop()));
  }

  watch(cluster: string, kind = INFERENCE_SERVICES.kind): ModelWatch | undefined {
    return this.watches.get(cluster)?.get(kind);
  }

  inferenceService(cluster: string, namespace: string, name: string): KubeObject | undefined {
    return this.watch(cluster)?.get(namespace, name);
  }

  llmInferenceService(cluster: string, namespace: string, name: string): KubeObject | undefined {
    return this.watch(cluster, LLM_INFERENCE_SERVICES.kind)?.get(namespace, name);
  }

  servingRuntime(cluster: string, namespace: string, name: string): { found?: KubeObject } | undefined {
    const namespaced = this.watch(cluster, SERVING_RUNTIMES.kind);
    const clusterWide = this.watch(cluster, CLUSTER_SERVING_RUNTIMES.kind);
    if (!namespaced?.synced || !clusterWide?.synced) return undefined;
    return { found: namespaced.get(namespace, name) ?? clusterWide.get(undefined, name) };
  }
}
