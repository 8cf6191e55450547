import type {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import type {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  detectModelKind,
  modelPublishingLocationKey,
} from '@model-publishing/plugin-model-publishing-common';
import { kubeConfigForCluster } from '@model-publishing/plugin-model-publishing-node';
import { WatchedCluster } from '../cluster/WatchedCluster';
import { ProviderConfig, readProviderConfigs } from '../config';
import {
  buildComponentEntities,
  type ComponentMemo,
} from '../mapping/componentEntities';
import type { ClusterSnapshot, ModelKindDetector } from '../mapping/types';
import {
  PublicationsClient,
  PublicationsSource,
} from '../publications/PublicationsClient';
import { decorateComponents } from './decorateComponents';
import { type EmittedEntities, entityDelta } from './entityDelta';
import { PublishedApis } from './PublishedApis';

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
  private readonly published: PublishedApis;
  /** Components of the last run by model: a change rebuilds only its own (componentEntities.ts). */
  private readonly componentMemo: ComponentMemo = new Map();
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
    this.published = new PublishedApis({
      ...options,
      locationKey: this.locationKey,
    });
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

    if (!snapshot) return result;

    const components = buildComponentEntities(
      snapshot,
      {
        cluster: config.cluster,
        locationKey: this.locationKey,
        defaults: config.defaults,
        namePrefix: config.namePrefix,
        detect: this.options.detect,
      },
      undefined,
      this.componentMemo,
    );
    const publications = await this.published.read(
      result,
      new Set(components.map(c => c.modelRef)),
      cachedPublications,
    );
    const consumers = publications
      ? await this.published.readConsumers()
      : undefined;
    const apis = publications
      ? this.published.toApiEntities(components, publications, consumers)
      : undefined;
    if (apis) {
      decorateComponents(
        components,
        new Map(apis.map(a => [a.component, a.api.metadata.name])),
        { techdocs: config.techdocs, appBaseUrl: this.options.appBaseUrl },
      );
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
      this.watched = new WatchedCluster(
        kubeConfigForCluster(config.connection),
        {
          namespaces: config.namespaces,
          resyncMs: config.resyncMs,
          logger,
          onChange: () => this.changed(),
          retryMs: this.options.retryMs,
        },
      );
    }
    if (!this.watched) throw new Error('the provider is stopped');
    await this.watched.ready();
    return this.watched.snapshot();
  }
}
