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
}

export interface ModelWatchOptions {
  cluster: string;
  kubeConfig: KubeConfig;
  logger: LoggerService;
  /** Wait before restarting a watch that failed (ms). Default 5000, doubling to 5 minutes. */
  retryMs?: number;
}

const GROUP = 'serving.kserve.io';
const VERSION = 'v1beta1';
const PLURAL = 'inferenceservices';
const MAX_RETRY_MS = 5 * 60_000;

/**
 * A list+watch cache of one cluster's InferenceServices (client-node's informer).
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

  constructor(private readonly o: ModelWatchOptions) {
    this.retryMs = o.retryMs ?? 5000;
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

  get(namespace: string, name: string): KubeObject | undefined {
    if (!this.inSync || !this.informer) return undefined;
    const found = this.informer.get(name, namespace);
    // Lists leave apiVersion/kind off their items; put them back so the object describes itself.
    return found ? ({ ...found, apiVersion: `${GROUP}/${VERSION}`, kind: 'InferenceService' } as KubeObject) : undefined;
  }

  private async connect(): Promise<void> {
    const attempt = ++this.attempt;
    const api = this.o.kubeConfig.makeApiClient(CustomObjectsApi);
    const informer = makeInformer<KubernetesObject>(
      this.o.kubeConfig,
      `/apis/${GROUP}/${VERSION}/${PLURAL}`,
      () =>
        api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL }) as Promise<
          KubernetesListObject<KubernetesObject>
        >,
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
    if (this.warned) this.o.logger.info(`cluster '${this.o.cluster}': InferenceService watch is back in sync`);
    this.warned = false;
  }

  private scheduleRetry(error: unknown): void {
    if (this.stopped) return;
    const message = (error as { message?: string })?.message ?? String(error);
    if (!this.warned) {
      // Once per outage: publishing still works (it reads the model live), only a little slower.
      this.o.logger.warn(
        `cluster '${this.o.cluster}': InferenceService watch failed (${message}); publishing reads models live until it recovers. ` +
          `Grant list/watch on inferenceservices.serving.kserve.io cluster-wide, or set modelPublishing.watchModels: false.`,
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

/** The watches of every configured cluster, as one ModelLookup. */
export class ModelWatches implements ModelLookup {
  private readonly watches = new Map<string, ModelWatch>();

  constructor(clusters: { name: string; kubeConfig: KubeConfig }[], logger: LoggerService, retryMs?: number) {
    for (const c of clusters) {
      this.watches.set(c.name, new ModelWatch({ cluster: c.name, kubeConfig: c.kubeConfig, logger, retryMs }));
    }
  }

  /** Starts every watch; resolves when each has listed once (or failed and will retry). */
  async start(): Promise<void> {
    await Promise.all([...this.watches.values()].map(w => w.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.watches.values()].map(w => w.stop()));
  }

  watch(cluster: string): ModelWatch | undefined {
    return this.watches.get(cluster);
  }

  inferenceService(cluster: string, namespace: string, name: string): KubeObject | undefined {
    return this.watches.get(cluster)?.get(namespace, name);
  }
}
