import type {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { Knex } from 'knex';
import type { AuditLog } from '../audit/AuditLog';
import { PlanStore } from '../plans/PlanStore';
import { AccessLifecycle } from './AccessLifecycle';
import { createAccessService, type AccessService } from './AccessService';
import { AccessStore } from './AccessStore';
import { ConsumerDirectory } from './consumers';
import { NotificationAccessNotifier } from './notifier';
import {
  silentNotifier,
  type AccessKeys,
  type AccessPublications,
} from './types';

export type { AccessService } from './AccessService';
export { ConsumerDirectory } from './consumers';
export { accessModelOf, type AccessModel, type AccessNotifier } from './types';

export const ACCESS_LIFECYCLE_TASK_ID = 'model-publishing-access-lifecycle';

export interface AccessDeps {
  db: Knex;
  catalog: CatalogService;
  auth: AuthService;
  auditLog: AuditLog;
  logger: LoggerService;
  publications: AccessPublications;
  keys: AccessKeys;
  /** Rebuilds a publication's gateway objects (its BackendTrafficPolicy) after key limits changed. */
  reapply(publicationId: string): Promise<unknown>;
  /** Backstage notifications; without it nobody is told (tests, backends without the notifications plugin). */
  notifications?: NotificationService;
  /** Why a publication takes no new consumers (deprecated); undefined = it does. */
  refuseNewAccess?: (publicationId: string) => Promise<string | undefined>;
}

/** The consumers' side (docs/design.md §9): the access service and its lifecycle (scheduled by scheduleAccessLifecycle). */
export function createAccess(deps: AccessDeps): {
  access: AccessService;
  lifecycle: AccessLifecycle;
} {
  const store = new AccessStore(deps.db);
  const consumers = new ConsumerDirectory({
    catalog: deps.catalog,
    auth: deps.auth,
  });
  const notifier = deps.notifications
    ? new NotificationAccessNotifier({
        notifications: deps.notifications,
        logger: deps.logger,
      })
    : silentNotifier;
  const access = createAccessService({
    store,
    plans: new PlanStore(deps.db),
    publications: deps.publications,
    keys: deps.keys,
    consumers,
    auditLog: deps.auditLog,
    notifier,
    logger: deps.logger,
    reapply: deps.reapply,
    ...(deps.refuseNewAccess ? { refuseNewAccess: deps.refuseNewAccess } : {}),
  });
  const lifecycle = new AccessLifecycle({
    store,
    consumers,
    publications: deps.publications,
    keys: deps.keys,
    notifier,
    logger: deps.logger,
    reapply: deps.reapply,
  });
  return { access, lifecycle };
}

/** Suspends the keys of consumers that left the catalog and sends expiry notices, every 10 minutes. */
export async function scheduleAccessLifecycle(o: {
  lifecycle: AccessLifecycle;
  scheduler: SchedulerService;
  logger: LoggerService;
}): Promise<void> {
  await o.scheduler.scheduleTask({
    id: ACCESS_LIFECYCLE_TASK_ID,
    frequency: { minutes: 10 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 30 },
    fn: async () => {
      const { suspended, expiring } = await o.lifecycle.run();
      if (suspended.length || expiring.length) {
        o.logger.info(
          `Access lifecycle: ${suspended.length} key(s) suspended, ${expiring.length} expiry notice(s)`,
        );
      }
    },
  });
}
