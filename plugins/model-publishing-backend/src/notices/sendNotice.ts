import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import type { NotificationService } from '@backstage/plugin-notifications-node';

/** Frontend page where consumers and keys' holders see their keys and requests (plugins/model-publishing routes). */
export const ACCESS_PAGE_PATH = '/model-access';

export interface NoticeDeps {
  notifications: NotificationService;
  logger: LoggerService;
}

/**
 * Sends one notice through Backstage notifications to the entities in `recipients` (deduplicated, empty
 * refs dropped; nobody left = nothing sent). A delivery failure is logged as "Could not send `what`",
 * never thrown: what the notice tells of (a decision, a deprecation, a revoked key) stands either way.
 */
export async function sendNotice(
  deps: NoticeDeps,
  recipients: string[],
  payload: NotificationPayload,
  what: string,
): Promise<void> {
  const entityRef = [...new Set(recipients.filter(Boolean))];
  if (!entityRef.length) return;
  try {
    await deps.notifications.send({
      recipients: { type: 'entity', entityRef },
      payload,
    });
  } catch (error) {
    deps.logger.warn(`Could not send ${what}: ${(error as Error).message}`);
  }
}
