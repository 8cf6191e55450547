import type {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { ApiKeyService } from './ApiKeyService';

export const KEY_SWEEP_TASK_ID = 'model-publishing-key-sweep';

/**
 * Schedules the key sweep (expiry, end of grace, unfinished revocations). Global scope: one
 * replica runs it at a time; the sweep is idempotent anyway. Every minute, so an expired key
 * outlives its expiry by at most about a minute plus the sweep's own run time.
 */
export async function scheduleKeySweep(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  keys: Pick<ApiKeyService, 'sweep'>;
  frequency?: SchedulerServiceTaskScheduleDefinition['frequency'];
}): Promise<void> {
  await options.scheduler.scheduleTask({
    id: KEY_SWEEP_TASK_ID,
    scope: 'global',
    frequency: options.frequency ?? { minutes: 1 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 15 },
    fn: async () => {
      const result = await options.keys.sweep();
      if (result.failed.length) {
        options.logger.warn(
          `Key sweep: ${result.failed.length} publications could not be updated and are retried next run`,
        );
      }
    },
  });
}
