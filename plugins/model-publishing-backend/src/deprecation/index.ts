import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { Knex } from 'knex';
import {
  DeprecationService,
  type DeprecationServiceOptions,
} from './DeprecationService';
import { DeprecationStore } from './DeprecationStore';
import {
  NotificationDeprecationNotifier,
  type DeprecationNotifier,
} from './notifier';

export { DeprecationService } from './DeprecationService';
export type {
  DeprecationConsumer,
  DeprecationInput,
} from './DeprecationService';
export { DeprecationStore } from './DeprecationStore';
export type { AtSunset, DeprecationRecord } from './DeprecationStore';
export { deprecationHeaders, REMINDER_DAYS } from './headers';
export type { ResponseHeader } from './headers';
export type { DeprecationNotice, DeprecationNotifier } from './notifier';

export const DEPRECATION_TASK_ID = 'model-publishing-deprecation';

export function createDeprecations(
  deps: Omit<DeprecationServiceOptions, 'store' | 'notifier'> & {
    db: Knex;
    notifications?: NotificationService;
    notifier?: DeprecationNotifier;
  },
): DeprecationService {
  const notifier: DeprecationNotifier =
    deps.notifier ??
    (deps.notifications
      ? new NotificationDeprecationNotifier({
          notifications: deps.notifications,
          logger: deps.logger,
        })
      : { notify: async () => {} });
  return new DeprecationService({
    ...deps,
    store: new DeprecationStore(deps.db),
    notifier,
  });
}

/** Reminders 7 days before and sunsets when due, every 10 minutes (each once, on whichever replica claims it). */
export async function scheduleDeprecations(o: {
  deprecations: DeprecationService;
  scheduler: SchedulerService;
  logger: LoggerService;
}): Promise<void> {
  await o.scheduler.scheduleTask({
    id: DEPRECATION_TASK_ID,
    frequency: { minutes: 10 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 45 },
    fn: async () => {
      const { reminded, sunset } = await o.deprecations.run();
      if (reminded.length || sunset.length) {
        o.logger.info(
          `Deprecations: ${reminded.length} reminder(s) sent, ${sunset.length} sunset(s) carried out`,
        );
      }
    },
  });
}
