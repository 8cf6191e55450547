import type { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import type { KubeObjectLike } from '../mapping/types';
import { statusCode } from './statusCode';

/** One page of a list, with the list's resourceVersion and the token for the next page. */
export interface ListPage {
  items: KubeObjectLike[];
  resourceVersion?: string;
  continueToken?: string;
}

/** Where one resource is listed and watched (e.g. one served version of a CRD). */
export interface InformerSource {
  /** The collection's path, e.g. `/apis/serving.kserve.io/v1beta1/inferenceservices`. */
  path: string;
  apiVersion: string;
  kind: string;
  listPage(continueToken?: string): Promise<ListPage>;
}

export interface ResourceInformerOptions {
  kubeConfig: KubeConfig;
  /** Tried in order: the first the cluster serves (no 404) is used. None served = no objects. */
  sources: InformerSource[];
  logger: LoggerService;
  /** Called after the cache changed (an event, or a relist that found a difference). */
  onChange(): void;
  /** Relist this often (one list per period), correcting anything a watch could have missed. */
  resyncMs: number;
  /** Wait before retrying a failed list or watch (ms), doubling to 5 minutes. Default 5000. */
  retryMs?: number;
  /** Server-side watch timeout: a random value in [min, 2·min) seconds, as client-go's reflector. Default 300. */
  minWatchTimeoutSeconds?: number;
}

const MAX_RETRY_MS = 5 * 60_000;

function keyOf(o: KubeObjectLike): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** What the cache keeps of an object: everything but managedFields (large, and never read). */
function slim(o: KubeObjectLike, source: InformerSource): KubeObjectLike {
  const { managedFields: _managedFields, ...metadata } = (o.metadata ??
    {}) as KubeObjectLike['metadata'] & {
    managedFields?: unknown;
  };
  // List items omit apiVersion/kind; restore them so the mapping can tell the kinds apart.
  return {
    ...o,
    apiVersion: o.apiVersion ?? source.apiVersion,
    kind: o.kind ?? source.kind,
    metadata,
  };
}

/**
 * A list+watch cache of one resource (an informer, as client-go's reflector runs it): list once, then
 * watch from the list's resourceVersion with bookmarks, and resume a watch that ends from the last
 * resourceVersion seen. Relists only when the watch answers 410 Expired, after an error, and once per
 * resync period. Kubernetes API concepts, "Efficient detection of changes" and "Watch bookmarks":
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 */
export class ResourceInformer {
  private objects = new Map<string, KubeObjectLike>();
  private resourceVersion = '';
  private source?: InformerSource;
  private inSync = false;
  private served = true;
  private lastError?: Error;
  private stopped = true;
  private abort?: AbortController;
  /** Bumped when a watch is replaced, so callbacks of an older one change nothing. */
  private generation = 0;
  private retryMs: number;
  private retryTimer?: NodeJS.Timeout;
  private resyncTimer?: NodeJS.Timeout;
  private expired = false;
  private firstAttempt?: Promise<void>;

  constructor(private readonly o: ResourceInformerOptions) {
    this.retryMs = o.retryMs ?? 5000;
  }

  /** True once a list succeeded (or found the resource not served). */
  get synced(): boolean {
    return this.inSync;
  }

  /** The error of the last failed list, while the informer has never been in sync. */
  get error(): Error | undefined {
    return this.inSync ? undefined : this.lastError;
  }

  /** Starts; resolves once the first list has succeeded or failed (it is retried in the background). */
  start(): Promise<void> {
    if (!this.firstAttempt) {
      this.stopped = false;
      this.firstAttempt = this.relist();
      this.resyncTimer = setInterval(() => {
        if (this.inSync && !this.retryTimer) void this.relist();
      }, this.o.resyncMs);
      this.resyncTimer.unref?.();
    }
    return this.firstAttempt;
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.abort?.abort();
    this.abort = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.retryTimer = undefined;
    this.resyncTimer = undefined;
  }

  list(): KubeObjectLike[] {
    return [...this.objects.values()];
  }

  /** Lists every page, replaces the cache, then watches from the list's resourceVersion. */
  private async relist(): Promise<void> {
    const generation = ++this.generation;
    this.abort?.abort();
    this.abort = undefined;
    try {
      const listed = await this.listAll();
      if (generation !== this.generation || this.stopped) return;
      if (!listed) {
        // No version of the resource is served (e.g. no LLMInferenceService CRD): nothing to cache; look
        // again now and then in case it gets installed.
        this.served = false;
        this.replace(new Map());
        this.inSync = true;
        this.scheduleRetry(generation, MAX_RETRY_MS);
        return;
      }
      this.served = true;
      this.replace(listed.objects);
      this.resourceVersion = listed.resourceVersion;
      this.inSync = true;
      this.lastError = undefined;
      this.retryMs = this.o.retryMs ?? 5000;
      await this.watch(generation);
    } catch (error) {
      if (generation !== this.generation || this.stopped) return;
      this.lastError = error as Error;
      this.o.logger.warn(
        `Cannot list ${this.o.sources[0].kind}: ${
          (error as Error)?.message ?? error
        }; retrying in ${this.retryMs} ms${
          this.inSync ? ', keeping the last known objects' : ''
        }`,
      );
      this.scheduleRetry(generation);
    }
  }

  private async listAll(): Promise<
    | { objects: Map<string, KubeObjectLike>; resourceVersion: string }
    | undefined
  > {
    for (const source of this.o.sources) {
      try {
        const objects = new Map<string, KubeObjectLike>();
        let resourceVersion: string | undefined;
        let token: string | undefined;
        do {
          const page = await source.listPage(token);
          // Every page of a list is served at the first page's resourceVersion.
          resourceVersion ??= page.resourceVersion;
          for (const item of page.items)
            objects.set(keyOf(item), slim(item, source));
          token = page.continueToken;
        } while (token);
        this.source = source;
        return { objects, resourceVersion: resourceVersion ?? '' };
      } catch (error) {
        // 404: this version (or the whole CRD) is not served here; try the next one.
        if (statusCode(error) !== 404) throw error;
      }
    }
    return undefined;
  }

  /** Replaces the cache with a fresh list; tells the listener when anything differs. */
  private replace(next: Map<string, KubeObjectLike>): void {
    let changed = next.size !== this.objects.size;
    if (!changed) {
      for (const [k, o] of next) {
        const before = this.objects.get(k);
        if (
          !before ||
          before.metadata?.uid !== o.metadata?.uid ||
          rv(before) !== rv(o)
        ) {
          changed = true;
          break;
        }
      }
    }
    this.objects = next;
    if (changed) this.o.onChange();
  }

  private async watch(generation: number): Promise<void> {
    const source = this.source!;
    const min = this.o.minWatchTimeoutSeconds ?? 300;
    this.expired = false;
    const controller = await new Watch(this.o.kubeConfig).watch(
      source.path,
      {
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: Math.floor(min * (1 + Math.random())),
      },
      (type: string, object: KubeObjectLike & { code?: number }) => {
        if (generation !== this.generation) return;
        this.onEvent(type, object, source);
      },
      (error: unknown) => {
        if (generation !== this.generation || this.stopped) return;
        this.onWatchEnd(generation, error);
      },
    );
    if (generation !== this.generation) controller.abort();
    else this.abort = controller;
  }

  private onEvent(
    type: string,
    object: KubeObjectLike & { code?: number },
    source: InformerSource,
  ): void {
    if (type === 'ERROR') {
      // 410 Expired: the resourceVersion is older than the server keeps; relist when the watch ends.
      if (object.code === 410) this.expired = true;
      return;
    }
    const version = rv(object);
    if (version) this.resourceVersion = version;
    if (type === 'BOOKMARK') return;
    const k = keyOf(object);
    if (type === 'DELETED') {
      if (this.objects.delete(k)) this.o.onChange();
    } else if (type === 'ADDED' || type === 'MODIFIED') {
      this.objects.set(k, slim(object, source));
      this.o.onChange();
    }
  }

  private onWatchEnd(generation: number, error: unknown): void {
    if (this.expired || statusCode(error) === 410) {
      void this.relist();
    } else if (error) {
      this.o.logger.warn(
        `Watch of ${this.source?.kind} failed: ${
          (error as Error)?.message ?? error
        }; resuming in ${this.retryMs} ms`,
      );
      this.scheduleRetry(generation);
    } else {
      // The server closed the watch (its timeout): resume from the last resourceVersion, no list.
      this.watch(generation).catch(e => this.onWatchEnd(generation, e));
    }
  }

  /** After a failure: list again (if never in sync or not served), else resume the watch. */
  private scheduleRetry(generation: number, wait = this.retryMs): void {
    if (this.stopped) return;
    if (wait === this.retryMs)
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.stopped || generation !== this.generation) return;
      if (!this.inSync || !this.served || !this.source) void this.relist();
      else this.watch(generation).catch(e => this.onWatchEnd(generation, e));
    }, wait);
    this.retryTimer.unref?.();
  }
}

function rv(o: KubeObjectLike): string | undefined {
  return (o.metadata as { resourceVersion?: string } | undefined)
    ?.resourceVersion;
}
