import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type { AuditLog } from '../audit/AuditLog';
import type { ModelPublishingConfig } from '../config';
import type { PublicationStore } from '../database/PublicationStore';
import type { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import { ApiKeyService } from './ApiKeyService';
import { ApiKeyStore } from './ApiKeyStore';
import { clusterSecretClient } from './clusterSecrets';
import { scheduleKeySweep } from './sweepTask';

export { ApiKeyService } from './ApiKeyService';
export type {
  ApiKeyServiceOptions,
  CreateKeyInput,
  RotateKeyInput,
  RotatedApiKey,
  SweepResult,
  InitialKey,
} from './ApiKeyService';
export { ApiKeyStore } from './ApiKeyStore';
export { clusterSecretClient } from './clusterSecrets';
export { scheduleKeySweep, KEY_SWEEP_TASK_ID } from './sweepTask';
export * from './keyFormat';
export type { ActiveKeyLimits, KeySecretClient, KeyAuditor } from './types';

export interface KeyServiceDeps {
  db: Knex;
  config: ModelPublishingConfig;
  logger: LoggerService;
  clusters: Pick<ClusterRegistry, 'get'>;
  publications: PublicationStore;
  auditLog: AuditLog;
  /** Rebuilds and re-applies a publication's objects (its BackendTrafficPolicy) from live keys. */
  publishing?: { reapply(publicationId: string): Promise<unknown> };
}

/** The key service as the plugin runs it. Stateless: any number of instances may share a database. */
export function createApiKeyService(deps: KeyServiceDeps): ApiKeyService {
  const publishing = deps.publishing;
  return new ApiKeyService({
    store: new ApiKeyStore(deps.db),
    publications: deps.publications,
    secrets: clusterSecretClient(deps.clusters),
    auditor: deps.auditLog,
    logger: deps.logger,
    rateLimitMode: deps.config.gateway.rateLimitMode,
    rotationGraceHours: deps.config.keys.rotationGraceHours,
    ...(publishing
      ? {
          onKeyLimitsChanged: async (id: string) =>
            void (await publishing.reapply(id)),
        }
      : {}),
  });
}

/**
 * plugin.ts entry: builds the key service, hands it to the publishing service (first key,
 * discard on failure, live keys for rebuilds) and schedules the sweep.
 */
export async function setupApiKeys(
  deps: KeyServiceDeps & {
    publishing: {
      reapply(publicationId: string): Promise<unknown>;
      setKeys(keys: ApiKeyService): void;
    };
    scheduler: SchedulerService;
  },
): Promise<ApiKeyService> {
  const keys = createApiKeyService(deps);
  deps.publishing.setKeys(keys);
  await scheduleKeySweep({
    scheduler: deps.scheduler,
    logger: deps.logger,
    keys,
  });
  return keys;
}
