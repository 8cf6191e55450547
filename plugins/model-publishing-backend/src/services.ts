import type {
  AuditorService,
  AuthService,
  DiscoveryService,
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import type { UsageSource } from '@model-publishing/plugin-model-publishing-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Knex } from 'knex';
import {
  type AccessService,
  ConsumerDirectory,
  createAccess,
  scheduleAccessLifecycle,
} from './access';
import { AccessStore } from './access/AccessStore';
import type { AccessLifecycle } from './access/AccessLifecycle';
import { AuditLog } from './audit/AuditLog';
import type { ModelPublishingConfig } from './config';
import { setFields } from './database/fields';
import { PublicationStore } from './database/PublicationStore';
import { GuideRenderer, type RenderedGuide } from './docs/GuideRenderer';
import { GuidePublisher } from './docs/techdocs';
import {
  ApiKeyService,
  ApiKeyStore,
  clusterSecretClient,
  PublicationKeys,
  scheduleKeySweep,
} from './keys';
import { ClusterRegistry } from './kubernetes/ClusterRegistry';
import { createLeaks, type Leaks } from './leaks';
import {
  createDeprecations,
  type DeprecationService,
  DeprecationStore,
  deprecationHeaders,
  scheduleDeprecations,
} from './deprecation';
import { type ModelLookup, ModelWatches } from './kubernetes/ModelWatch';
import {
  SagaExecutor,
  type SagaExecutorOptions,
} from './publishing/ClusterSaga';
import { ModelReader } from './publishing/ModelReader';
import { PublishingService } from './publishing/PublishingService';
import { ServingContextReader } from './publishing/ServingContextReader';
import { PublishPolicy } from './publishing/publishPolicy';
import { Reconciler, scheduleReconciler } from './publishing/Reconciler';
import { Leases } from './publishing/Leases';
import { publicationSignals } from './signals/PublicationSignals';
import {
  createUsageModule,
  scheduleUsageCollector,
  type UsageModule,
} from './usage';

/** TechDocs publishing of guides, as the publishing workflow and the reconciler use it. */
export type GuideSite = Pick<
  GuidePublisher,
  'published' | 'unpublished' | 'ensure' | 'idle'
>;

export interface ServiceDeps {
  config: ModelPublishingConfig;
  rootConfig: Config;
  /** The plugin's migrated database. */
  db: Knex;
  logger: LoggerService;
  auditor?: AuditorService;
  /** KubeConfigs to use instead of building them from config.clusters (tests: an emulator's). */
  kubeConfigs?: Record<string, KubeConfig>;
  /** Usage sources added by backend modules through modelPublishingUsageExtensionPoint. */
  usageSources?: UsageSource[];
  /** Builds the TechDocs guide site from the renderer; default GuidePublisher.fromConfig when `discovery` is given. */
  guideSite?: (
    render: (p: Publication) => Promise<RenderedGuide>,
  ) => Promise<GuideSite | undefined>;
  discovery?: DiscoveryService;
  /** Replaces the InferenceService watches (tests: a lookup that serves an out-of-date copy). */
  models?: ModelLookup;
  beforeClusterWrite?: SagaExecutorOptions['beforeClusterWrite'];
  /** For the consumers' access (src/access), built when both are given. */
  catalog?: CatalogService;
  auth?: AuthService;
  /** Backstage notifications for access notices; without it nobody is told. */
  notifications?: NotificationService;
  /** Backstage signals: open pages reload when a publication changes; without it they poll. */
  signals?: SignalsService;
  /** Cluster request limits (default: config). */
  cluster?: { timeoutMs?: number; maxConcurrent?: number };
}

/** Every service of the plugin, each built once. */
export interface ModelPublishingServices {
  config: ModelPublishingConfig;
  clusters: ClusterRegistry;
  publications: PublicationStore;
  auditLog: AuditLog;
  /** Watches of InferenceServices and runtimes, when `watchModels` (started by `startServices`). */
  watches?: ModelWatches;
  models: ModelReader;
  publishing: PublishingService;
  keys: ApiKeyService;
  guides: GuideRenderer;
  guideSite?: GuideSite;
  usage: UsageModule;
  reconciler: Reconciler;
  leases: Leases;
  access?: { access: AccessService; lifecycle: AccessLifecycle };
  leaks: Leaks;
  deprecations: DeprecationService;
}

/**
 * The composition root: builds every service of the plugin once, in dependency order (no service
 * is handed another after construction). plugin.ts and the test utilities both use it.
 */
export async function createServices(
  deps: ServiceDeps,
): Promise<ModelPublishingServices> {
  const { config, db, logger } = deps;
  const clusters = new ClusterRegistry({
    clusters: config.clusters,
    defaultCluster: config.defaultCluster,
    timeoutMs: deps.cluster?.timeoutMs ?? config.clusterRequestTimeoutMs,
    maxConcurrent:
      deps.cluster?.maxConcurrent ?? config.maxConcurrentClusterRequests,
    kubeConfigs: deps.kubeConfigs,
  });
  const publications = new PublicationStore(
    db,
    publicationSignals(deps.signals, logger),
  );
  const auditLog = new AuditLog(db, deps.auditor);
  const watches =
    config.watchModels && !deps.models
      ? new ModelWatches(clusters.connections(), logger)
      : undefined;
  const models = new ModelReader({ clusters, models: deps.models ?? watches });
  const guides = new GuideRenderer(models);
  const guideSite = deps.guideSite
    ? await deps.guideSite(p => guides.render(p))
    : deps.discovery &&
      (await GuidePublisher.fromConfig(deps.rootConfig, {
        logger,
        discovery: deps.discovery,
        render: p => guides.render(p),
      }));

  const keyDeps = {
    store: new ApiKeyStore(db),
    publications,
    auditor: auditLog,
    logger,
    secrets: clusterSecretClient(clusters),
  };
  const publicationKeys = new PublicationKeys(keyDeps);
  const policy = new PublishPolicy({
    models,
    publications,
    tenants: config.tenants,
    llmHostnameTemplate: config.gateway.llmHostnameTemplate,
    checkInitialKey: input => publicationKeys.checkInitialKey(input),
  });
  const deprecationStore = new DeprecationStore(db);
  const sagas = new SagaExecutor({
    clusters,
    publications,
    logger,
    beforeClusterWrite: deps.beforeClusterWrite,
  });
  const leases = new Leases(publications, {
    holder: config.instanceId,
    ms: config.reconciler.leaseMs,
  });
  const publishing = new PublishingService({
    leases,
    models,
    policy,
    sagas,
    keys: publicationKeys,
    publications,
    auditLog,
    gateway: config.gateway,
    servingContext: new ServingContextReader({
      clusters,
      gateway: config.gateway,
      kserveNamespace: config.kserve.namespace,
    }),
    logger,
    guides: guideSite,
    responseHeaders: async id => {
      const d = await deprecationStore.get(id);
      return d ? deprecationHeaders(d) : undefined;
    },
  });
  // Set below; the key service and access ask it whether a deprecated publication still takes keys.
  const late: { deprecations?: DeprecationService } = {};
  const keys = new ApiKeyService({
    refuseNewKeys: async id => late.deprecations?.keysStopped(id),
    ...keyDeps,
    rateLimitMode: config.gateway.rateLimitMode,
    rotationGraceHours: config.keys.rotationGraceHours,
    maxLivePerPublication: config.keys.maxLivePerPublication,
    onKeyLimitsChanged: async id => void (await publishing.reapply(id)),
  });
  const usage = createUsageModule({
    db,
    auditLog,
    rootConfig: deps.rootConfig,
    logger,
    publications,
    rateLimitMode: config.gateway.rateLimitMode,
    extraSources: deps.usageSources,
    catalog: deps.catalog,
    auth: deps.auth,
    notifications: deps.notifications,
  });
  const access =
    deps.catalog && deps.auth
      ? createAccess({
          db,
          catalog: deps.catalog,
          auth: deps.auth,
          auditLog,
          logger,
          publications,
          keys,
          reapply: id => publishing.reapply(id),
          notifications: deps.notifications,
          refuseNewAccess: async id => late.deprecations?.refusal(id),
        })
      : undefined;
  const consumers =
    deps.catalog && deps.auth
      ? new ConsumerDirectory({ catalog: deps.catalog, auth: deps.auth })
      : undefined;
  const leaks = createLeaks({
    db,
    settings: config.secretScanning,
    publications,
    revoke: (input, who) => keys.revoke(input, who),
    suspend: async key => {
      if (await new AccessStore(db).suspend(key.id, new Date()))
        await publishing.reapply(key.publicationId);
    },
    ...(consumers
      ? { recipientsOf: (ref: string) => consumers.recipientsOf(ref) }
      : {}),
    auditLog,
    logger,
    notifications: deps.notifications,
  });
  const deprecationService = createDeprecations({
    db,
    publications,
    keys,
    consumerKeys: async id =>
      new AccessStore(db).consumerKeys({ publicationId: id }),
    recipientsOf: async ref =>
      consumers ? consumers.recipientsOf(ref) : [ref],
    reapply: id => publishing.reapply(id),
    unpublish: (p, actor) =>
      publishing.unpublish(
        {
          cluster: p.cluster,
          namespace: p.namespace,
          name: p.name,
          ...setFields(p, ['entityRef', 'owner', 'resourceKind']),
        },
        { actor },
      ),
    auditLog,
    logger,
    notifications: deps.notifications,
  });
  late.deprecations = deprecationService;
  const reconciler = new Reconciler({
    clusters,
    publications,
    publishing,
    logger,
    leases,
    repair: config.reconciler.repair,
    guides: guideSite,
  });
  return {
    config,
    clusters,
    publications,
    auditLog,
    watches,
    models,
    publishing,
    keys,
    guides,
    guideSite,
    usage,
    reconciler,
    leases,
    access,
    leaks,
    deprecations: deprecationService,
  };
}

/**
 * Starts what runs in the background: the watches (not awaited, so a slow cluster never holds up the
 * backend's start), the key sweep, the usage collector, the access lifecycle and the reconciler, with their
 * shutdown hooks.
 */
export async function startServices(
  s: ModelPublishingServices,
  deps: {
    scheduler: SchedulerService;
    lifecycle: LifecycleService;
    logger: LoggerService;
  },
): Promise<void> {
  if (s.watches) {
    const watches = s.watches;
    void watches.start();
    deps.lifecycle.addShutdownHook(() => watches.stop());
  }
  // Let a guide being generated finish (and remove its temp dir) before the process exits.
  deps.lifecycle.addShutdownHook(async () => s.guideSite?.idle());
  await scheduleKeySweep({
    scheduler: deps.scheduler,
    logger: deps.logger,
    keys: s.keys,
  });
  await scheduleUsageCollector(s.usage, deps.scheduler);
  if (s.access)
    await scheduleAccessLifecycle({ ...deps, lifecycle: s.access.lifecycle });
  await scheduleDeprecations({ ...deps, deprecations: s.deprecations });
  // What this instance left in flight before a restart is resumed now, not a reconcile interval later.
  if (s.clusters.names().length) {
    void s.reconciler.resume(undefined, new Date(), true).then(
      r => {
        if (r.converged.length || r.errors.length)
          deps.logger.info(
            `resumed ${r.converged.length} interrupted operation(s)${
              r.errors.length ? `; ${r.errors.join('; ')}` : ''
            }`,
          );
      },
      e => deps.logger.warn(`could not resume interrupted operations: ${e}`),
    );
  }
  if (s.config.reconciler.enabled && s.clusters.names().length) {
    await scheduleReconciler({
      reconciler: s.reconciler,
      scheduler: deps.scheduler,
      lifecycle: deps.lifecycle,
      logger: deps.logger,
      frequency: s.config.reconciler.frequency,
    });
  }
}
