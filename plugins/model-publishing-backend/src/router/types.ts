import type {
  AuthService,
  DatabaseService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type { AccessService } from '../access/AccessService';
import type { AuditLog } from '../audit/AuditLog';
import type { ModelPublishingConfig } from '../config';
import type { PublicationStore } from '../database/PublicationStore';
import type { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import type { PublishingService } from '../publishing/PublishingService';
import type { createOpenApiRouter } from '../schema/openapi.generated';
import type { UsageModule } from '../usage';
import type { RouteContext } from './context';

/**
 * The typed router of openapi.yaml: handlers get the validated path, query and body of their operation
 * (defaults filled in), so they do not parse them again.
 */
export type ApiRouter = ReturnType<typeof createOpenApiRouter>;

/** What every `registerXRoutes(router, deps)` gets. Area owners build their own services from these. */
export interface RouterDeps {
  ctx: RouteContext;
  logger: LoggerService;
  auth: AuthService;
  config: ModelPublishingConfig;
  /** The plugin's migrated database. */
  db: Knex;
  database?: DatabaseService;
  scheduler?: SchedulerService;
  clusters: ClusterRegistry;
  publications: PublicationStore;
  auditLog: AuditLog;
  publishing: PublishingService;
  /** Usage services (src/usage); absent = usage routes answer 503. */
  usage?: UsageModule;
  /** Consumers' access (src/access); absent = access routes answer 503. */
  access?: AccessService;
}

/** Page size of a paged route when the caller names none (openapi.yaml's `limit` allows 1–200). */
export const DEFAULT_PAGE_LIMIT = 50;
