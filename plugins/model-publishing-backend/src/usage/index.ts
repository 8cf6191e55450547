import type {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { AuditLog } from '../audit/AuditLog';
import { BudgetMonitor, BudgetStore } from './costs/BudgetMonitor';
import { BudgetService } from './costs/BudgetService';
import { ChargebackService } from './costs/ChargebackService';
import { catalogOrgSource } from './costs/catalogOrgSource';
import type { Config } from '@backstage/config';
import type { UsageSource } from '@model-publishing/plugin-model-publishing-node';
import type { Knex } from 'knex';
import type { PublicationStore } from '../database/PublicationStore';
import { readUsageConfig, UsageConfig } from './config';
import { createPublicationDirectory } from './directory';
import { AccessLogIngestor } from './ingest/AccessLogIngestor';
import { PrometheusUsageSource } from './sources/PrometheusUsageSource';
import { UsageCollector } from './UsageCollector';
import { UsageService } from './UsageService';
import { UsageStore } from './UsageStore';
import { LimitNotices } from './LimitNotices';
import type { UsagePublicationDirectory } from './types';

export { readUsageConfig } from './config';
export type { UsageConfig } from './config';
export { UsageService } from './UsageService';
export { UsageStore } from './UsageStore';
export { AccessLogIngestor } from './ingest/AccessLogIngestor';
export type { UsagePublicationDirectory, UsagePublicationInfo } from './types';

/** Everything the usage routes and the scheduled collector need. */
export interface UsageModule {
  config: UsageConfig;
  service: UsageService;
  ingestor: AccessLogIngestor;
  collector: UsageCollector;
  directory: UsagePublicationDirectory;
  sources: UsageSource[];
  /** Costs per month rolled up the org graph (needs the catalog). */
  chargeback?: ChargebackService;
  /** Spending limits per consumer; changes are audited. */
  budgets: BudgetService;
  budgetMonitor?: BudgetMonitor;
  /** 80 % / 100 % of a limit → the key's holder and the model's owners, once per window (after each collection). */
  limitNotices: LimitNotices;
}

export interface CreateUsageModuleOptions {
  db: Knex;
  rootConfig: Config;
  logger: LoggerService;
  publications: PublicationStore;
  /** Budget changes are audited here. */
  auditLog: Pick<AuditLog, 'record'>;
  rateLimitMode: 'global' | 'local';
  /** Sources added by backend modules through modelPublishingUsageExtensionPoint. */
  extraSources?: UsageSource[];
  /** Replaces the database-backed directory (tests). */
  directory?: UsagePublicationDirectory;
  /** For chargeback's org graph; without them there is no chargeback and no budget check. */
  catalog?: CatalogService;
  auth?: AuthService;
  /** For budget notices. */
  notifications?: NotificationService;
}

/** Builds the usage services from config: Prometheus when configured; access logs arrive through the ingest route. */
export function createUsageModule(o: CreateUsageModuleOptions): UsageModule {
  const config = readUsageConfig(o.rootConfig);
  const store = new UsageStore(o.db);
  const directory =
    o.directory ??
    createPublicationDirectory(o.publications, o.db, {
      rateLimitMode: o.rateLimitMode,
      publicationQuota: config.publicationQuota,
      defaultPrices: config.prices,
    });
  const service = new UsageService(store, config);
  const sources: UsageSource[] = [];
  if (config.prometheus)
    sources.push(new PrometheusUsageSource(config.prometheus));
  for (const s of o.extraSources ?? []) {
    if (
      sources.some(existing => existing.id === s.id) ||
      s.id === 'access-log'
    ) {
      throw new Error(`usage source id '${s.id}' is already taken`);
    }
    sources.push(s);
  }
  // A key's lastUsedAt is read from the usage store's last-use table (ApiKeyStore joins it), which every
  // source writes with its rollups, so the key list and the usage reports cannot disagree.
  const ingestor = new AccessLogIngestor(store, directory, config.ingest);
  const budgets = new BudgetStore(o.db);
  const chargeback =
    o.catalog && o.auth
      ? new ChargebackService(
          store,
          directory,
          catalogOrgSource(o.catalog, o.auth),
          config.currency,
        )
      : undefined;
  const budgetMonitor =
    chargeback &&
    new BudgetMonitor({
      budgets,
      chargeback,
      directory,
      currency: config.currency,
      logger: o.logger,
      notifications: o.notifications,
    });
  const limitNotices = new LimitNotices({
    db: o.db,
    quotaAlerts: service.quotaAlerts,
    directory,
    logger: o.logger,
    notifications: o.notifications,
    clientTotals: (publicationId, hours) =>
      store.reader.byClient(publicationId, 'hour', hours),
  });
  const collector = new UsageCollector({
    sources,
    service,
    store,
    directory,
    logger: o.logger,
    retentionDays: config.retentionDays,
    // Independent checks: a failing budget check does not hold back limit notices, nor the reverse.
    afterCollect: async now => {
      const failed = (
        await Promise.allSettled([
          budgetMonitor?.check(now),
          limitNotices.check(now),
        ])
      ).find(r => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    },
  });
  return {
    config,
    service,
    ingestor,
    collector,
    directory,
    sources,
    budgets: new BudgetService({ store: budgets, auditLog: o.auditLog }),
    limitNotices,
    ...(chargeback ? { chargeback } : {}),
    ...(budgetMonitor ? { budgetMonitor } : {}),
  };
}

/** Schedules the collector (global scope: one run at a time across replicas). Runs even without pull sources, to prune. */
export async function scheduleUsageCollector(
  usage: UsageModule,
  scheduler: SchedulerService,
): Promise<void> {
  await usage.collector.schedule(scheduler, usage.config.collectEveryMinutes);
}
