import type {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type { ApiEntityV1alpha1, Entity } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import type {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  detectModelKind,
  modelPublishingLocationKey,
  type Publication,
} from '@model-publishing/plugin-model-publishing-common';
import { createKubeConfig } from '../cluster/kubeConfig';
import { WatchedCluster } from '../cluster/WatchedCluster';
import { ProviderConfig, readProviderConfigs } from '../config';
import {
  isLivePublication,
  placeholderOpenApi,
  publicationToApiEntity,
} from '../mapping/apiEntities';
import {
  buildComponentEntities,
  ModelComponent,
} from '../mapping/componentEntities';
import { withExternalTechDocs } from '../mapping/techdocs';
import { LABEL_PUBLISHED } from '../constants';
import type { ClusterSnapshot, ModelKindDetector } from '../mapping/types';
import {
  PublicationsClient,
  PublicationsSource,
} from '../publications/PublicationsClient';
import { type EmittedEntities, entityDelta } from './entityDelta';

/** Guides fetched at once; the backend renders each on request. */
const GUIDE_CONCURRENCY = 4;

export interface ModelPublishingEntityProviderOptions {
  config: ProviderConfig;
  logger: LoggerService;
  /**
   * Reads the cluster on every run (tests). Default: informers against `config.connection` (list once,
   * then watch; a relist per `config.resyncMs`), read without a request, and a change runs the provider.
   */
  readCluster?: () => Promise<ClusterSnapshot>;
  /** Wait this long after a watched change before emitting, so a burst of changes is one delta. Default 1000 ms. */
  debounceMs?: number;
  /** Informer retry after a failed list or watch (ms). Default 5000. */
  retryMs?: number;
  /** Omit (or set `config.publications: false`) to emit Components only. */
  publications?: PublicationsSource;
  detect?: ModelKindDetector;
  /** When given, `connect` schedules `run` with it; tests call `run` themselves. */
  taskRunner?: SchedulerServiceTaskRunner;
  /** The portal's `app.baseUrl`: published models' TechDocs ref links to their Publish tab there. */
  appBaseUrl?: string;
}

export interface RunResult {
  components?: number;
  apis?: number;
  clusterError?: string;
  publicationsError?: string;
}

/**
 * One cluster → Components (this provider) and API entities (its companion, `apiProvider`). Two
 * providers so that each full mutation can be skipped on its own: an unreachable cluster leaves both
 * as they are; an unreachable model-publishing backend leaves the API entities as they are while
 * Components still follow the cluster.
 */
export class ModelPublishingEntityProvider implements EntityProvider {
  readonly apiProvider: EntityProvider;
  private readonly options: ModelPublishingEntityProviderOptions;
  private readonly locationKey: string;
  private componentConnection?: EntityProviderConnection;
  private apiConnection?: EntityProviderConnection;
  private lastConsumers = new Map<string, string[]>();
  /** Last publications fetched successfully (live ones of this cluster) with their documents. */
  private lastPublications?: { publication: Publication; openapi: object }[];
  private readonly openApiCache = new Map<
    string,
    { updatedAt: string; openapi: object }
  >();
  private running?: Promise<RunResult>;
  private watched?: WatchedCluster;
  private changeTimer?: NodeJS.Timeout;
  private stopped = false;
  /** What each connection was last sent; undefined until its first (full) mutation succeeded. */
  private emitted: { components?: EmittedEntities; apis?: EmittedEntities } =
    {};

  static fromConfig(
    rootConfig: Config,
    deps: {
      logger: LoggerService;
      scheduler: SchedulerService;
      auth: AuthService;
      discovery: DiscoveryService;
      /** Default: the shared `detectModelKind` (model-publishing-common), without the ServingRuntime. */
      detect?: ModelKindDetector;
    },
  ): ModelPublishingEntityProvider[] {
    const publications = new PublicationsClient({
      auth: deps.auth,
      discovery: deps.discovery,
    });
    return readProviderConfigs(rootConfig).map(
      config =>
        new ModelPublishingEntityProvider({
          config,
          logger: deps.logger.child({
            target: `model-publishing:${config.id}`,
          }),
          publications,
          detect: deps.detect ?? detectModelKind,
          taskRunner: deps.scheduler.createScheduledTaskRunner(config.schedule),
          appBaseUrl: rootConfig.getOptionalString('app.baseUrl'),
        }),
    );
  }

  constructor(options: ModelPublishingEntityProviderOptions) {
    this.options = options;
    // The model-publishing backend trusts an entity only under this key (providerClusterOf, -common).
    this.locationKey = modelPublishingLocationKey(options.config.cluster);
    const apiName = `ModelPublishingApiEntityProvider:${options.config.id}`;
    this.apiProvider = {
      getProviderName: () => apiName,
      connect: async connection => {
        this.apiConnection = connection;
      },
    };
  }

  getProviderName(): string {
    return `ModelPublishingEntityProvider:${this.options.config.id}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.componentConnection = connection;
    const { taskRunner, logger } = this.options;
    if (!taskRunner) return;
    await taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        const result = await this.run();
        logger.debug(
          `model-publishing catalog refresh: ${JSON.stringify(result)}`,
        );
      },
    });
  }

  /**
   * Reads the cluster (the informers' caches) and the publications and applies what changed: a full
   * mutation the first time, deltas after. Concurrent calls share a run.
   */
  run(): Promise<RunResult> {
    return this.runShared(false);
  }

  /** Stops the informers (backend shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.watched?.stop();
  }

  private runShared(cachedPublications: boolean): Promise<RunResult> {
    if (!this.running) {
      this.running = this.doRun(cachedPublications).finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** A watched object changed: emit the difference shortly (one run per burst), without asking the backend. */
  private changed(): void {
    if (this.changeTimer || this.stopped || !this.componentConnection) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      const after = this.running ?? Promise.resolve();
      void after
        .then(() => this.runShared(true))
        .catch(error =>
          this.options.logger.warn(
            `model-publishing catalog update failed: ${error}`,
          ),
        );
    }, this.options.debounceMs ?? 1000);
    this.changeTimer.unref?.();
  }

  private async doRun(cachedPublications: boolean): Promise<RunResult> {
    const { config, logger } = this.options;
    if (!this.componentConnection)
      throw new Error(`${this.getProviderName()} is not connected`);
    const result: RunResult = {};

    let snapshot: ClusterSnapshot | undefined;
    try {
      snapshot = await this.readCluster();
    } catch (error) {
      result.clusterError = String((error as Error)?.message ?? error);
      logger.warn(
        `Cannot read InferenceServices from cluster ${config.cluster}; keeping the catalog as it is: ${result.clusterError}`,
      );
    }

    const publications =
      cachedPublications && this.lastPublications
        ? this.lastPublications
        : await this.readPublications(result);
    if (!snapshot) return result;

    const components = buildComponentEntities(snapshot, {
      cluster: config.cluster,
      locationKey: this.locationKey,
      defaults: config.defaults,
      namePrefix: config.namePrefix,
      detect: this.options.detect,
    });
    const consumers = publications ? await this.readConsumers() : undefined;
    const apis = publications
      ? this.toApiEntities(components, publications, consumers)
      : undefined;
    if (apis) {
      const published = new Set(apis.map(a => a.component));
      for (const component of components) {
        component.entity.metadata.labels = {
          ...component.entity.metadata.labels,
          [LABEL_PUBLISHED]: String(published.has(component)),
        };
      }
      for (const { component, api } of apis) {
        component.entity.spec.providesApis = [api.metadata.name];
        if (config.techdocs)
          component.entity = withExternalTechDocs(
            component.entity,
            this.options.appBaseUrl,
          );
      }
    }

    await this.emit(
      'components',
      this.componentConnection,
      components.map(c => c.entity),
    );
    result.components = components.length;

    if (apis && this.apiConnection) {
      await this.emit(
        'apis',
        this.apiConnection,
        apis.map(a => a.api),
      );
      result.apis = apis.length;
    }
    return result;
  }

  /**
   * The first mutation of a connection is full (it also removes what an earlier process left); then only
   * the entities that changed and the refs that are gone, or nothing at all.
   */
  private async emit(
    which: 'components' | 'apis',
    connection: EntityProviderConnection,
    entities: Entity[],
  ): Promise<void> {
    const previous = this.emitted[which];
    const delta = entityDelta(previous ?? new Map(), entities);
    this.emitted[which] = undefined; // a failed mutation is followed by a full one
    if (!previous) {
      await connection.applyMutation({
        type: 'full',
        entities: entities.map(e => this.deferred(e)),
      });
    } else if (delta.added.length || delta.removed.length) {
      await connection.applyMutation({
        type: 'delta',
        added: delta.added.map(e => this.deferred(e)),
        removed: delta.removed.map(entityRef => ({
          entityRef,
          locationKey: this.locationKey,
        })),
      });
    }
    this.emitted[which] = delta.next;
  }

  private deferred(entity: Entity) {
    return { entity, locationKey: this.locationKey };
  }

  private async readCluster(): Promise<ClusterSnapshot> {
    const { readCluster, config, logger } = this.options;
    if (readCluster) return readCluster();
    // Created on the first run, not at construction: a kubeconfig file written by the embedded
    // emulator may appear after start-up.
    if (!this.watched && !this.stopped) {
      this.watched = new WatchedCluster(createKubeConfig(config.connection), {
        namespaces: config.namespaces,
        resyncMs: config.resyncMs,
        logger,
        onChange: () => this.changed(),
        retryMs: this.options.retryMs,
      });
    }
    if (!this.watched) throw new Error('the provider is stopped');
    await this.watched.ready();
    return this.watched.snapshot();
  }

  /** Fresh publications, else the last good ones, else undefined (then API entities stay untouched). */
  private async readPublications(
    result: RunResult,
  ): Promise<{ publication: Publication; openapi: object }[] | undefined> {
    const { publications, config, logger } = this.options;
    if (!publications || !config.publications) return undefined;
    try {
      const all = await publications.listPublications();
      const mine = all.filter(
        p => isLivePublication(p) && this.isOurCluster(p.cluster),
      );
      const withDocs = await mapBounded(
        mine,
        GUIDE_CONCURRENCY,
        async publication => ({
          publication,
          openapi: await this.openApiFor(publication),
        }),
      );
      const live = new Set(mine.map(p => p.id));
      for (const id of this.openApiCache.keys())
        if (!live.has(id)) this.openApiCache.delete(id);
      this.lastPublications = withDocs;
      return withDocs;
    } catch (error) {
      result.publicationsError = String((error as Error)?.message ?? error);
      logger.warn(
        `Cannot list publications from the model-publishing backend; ${
          this.lastPublications
            ? 'using the last known ones'
            : 'leaving API entities as they are'
        }: ${result.publicationsError}`,
      );
      return this.lastPublications;
    }
  }

  /** Consumer refs per publication; on failure the last good ones (relations never flap on a hiccup). */
  private async readConsumers(): Promise<Map<string, string[]>> {
    const source = this.options.publications;
    if (!source?.listConsumerEntities) return new Map();
    try {
      this.lastConsumers = await source.listConsumerEntities();
    } catch (error) {
      this.options.logger.warn(
        `Cannot list consumers from the model-publishing backend: ${
          (error as Error)?.message ?? error
        }`,
      );
    }
    return this.lastConsumers;
  }

  private isOurCluster(cluster: string): boolean {
    const { config } = this.options;
    return (
      cluster === config.cluster ||
      (cluster === 'default' && config.acceptsDefaultClusterAlias)
    );
  }

  private async openApiFor(publication: Publication): Promise<object> {
    const cached = this.openApiCache.get(publication.id);
    if (cached && cached.updatedAt === publication.updatedAt)
      return cached.openapi;
    try {
      const openapi = await this.options.publications!.getOpenApi(publication);
      this.openApiCache.set(publication.id, {
        updatedAt: publication.updatedAt,
        openapi,
      });
      return openapi;
    } catch (error) {
      this.options.logger.warn(
        `Cannot fetch the OpenAPI document of publication ${publication.id} (${
          publication.namespace
        }/${publication.name}): ${(error as Error)?.message ?? error}`,
      );
      return cached?.openapi ?? placeholderOpenApi(publication);
    }
  }

  private toApiEntities(
    components: ModelComponent[],
    publications: { publication: Publication; openapi: object }[],
    consumers: Map<string, string[]> = new Map(),
  ): { component: ModelComponent; api: ApiEntityV1alpha1 }[] {
    const byRef = new Map<string, ModelComponent>();
    // An InferenceService wins over an LLMInferenceService of the same name: publications do not say which.
    for (const c of [...components].reverse()) {
      if (
        !byRef.has(c.modelRef) ||
        c.summary.resourceKind === 'InferenceService'
      ) {
        byRef.set(c.modelRef, c);
      }
    }
    // One API per model: should the backend ever report two live publications of one model, the newest wins.
    const newest = new Map<
      string,
      { publication: Publication; openapi: object }
    >();
    for (const p of publications) {
      const key = `${p.publication.namespace}/${p.publication.name}`;
      const seen = newest.get(key);
      if (!seen || seen.publication.updatedAt < p.publication.updatedAt)
        newest.set(key, p);
    }
    const out: { component: ModelComponent; api: ApiEntityV1alpha1 }[] = [];
    for (const { publication, openapi } of newest.values()) {
      // A publication whose model is gone (or outside the configured namespaces) has no owner to inherit.
      const component = byRef.get(
        `${publication.namespace}/${publication.name}`,
      );
      if (!component) continue;
      out.push({
        component,
        api: publicationToApiEntity({
          publication,
          component,
          openapi,
          cluster: this.options.config.cluster,
          locationKey: this.locationKey,
          consumers: consumers.get(publication.id),
        }),
      });
    }
    return out;
  }
}

async function mapBounded<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
      }
    },
  );
  await Promise.all(workers);
  return results;
}
