import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { AccessService } from '../access/AccessService';
import type { AuditLog } from '../audit/AuditLog';
import type { PublicationStore } from '../database/PublicationStore';
import type { GuideRenderer } from '../docs/GuideRenderer';
import type { ApiKeyService } from '../keys';
import type { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import type { Leaks } from '../leaks';
import type { DeprecationService } from '../deprecation';
import type { ModelReader } from '../publishing/ModelReader';
import type { PublishingService } from '../publishing/PublishingService';
import type { createOpenApiRouter } from '../schema/openapi.generated';
import type { UsageModule } from '../usage';
import type { RouteContext } from './context';

/**
 * The typed router of openapi.yaml: handlers get the validated path, query and body of their operation
 * (defaults filled in), so they do not parse them again.
 */
export type ApiRouter = ReturnType<typeof createOpenApiRouter>;

/** What every `registerXRoutes(router, deps)` gets: the services built once by the composition root (services.ts). */
export interface RouterDeps {
  ctx: RouteContext;
  logger: LoggerService;
  auth: AuthService;
  clusters: ClusterRegistry;
  publications: PublicationStore;
  auditLog: AuditLog;
  models: ModelReader;
  publishing: PublishingService;
  keys: ApiKeyService;
  guides: GuideRenderer;
  /** Usage services (src/usage); absent = usage routes answer 503. */
  usage?: UsageModule;
  /** Consumers' access (src/access); absent = access routes answer 503. */
  access?: AccessService;
  /** Leaked keys (src/leaks); absent = the secret scanning route answers 404. */
  leaks?: Leaks;
  /** Deprecations (src/deprecation); absent = deprecation routes answer 503. */
  deprecations?: DeprecationService;
}

/** Page size of a paged route when the caller names none (openapi.yaml's `limit` allows 1–200). */
export const DEFAULT_PAGE_LIMIT = 50;
