import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';

export interface DeprecationNotice {
  kind: 'deprecated' | 'reminder';
  recipients: string[];
  modelTitle: string;
  sunsetAt: Date;
  successor?: string;
  successorUrl?: string;
  message?: string;
  atSunset: 'unpublish' | 'stop-new-keys';
}

export interface DeprecationNotifier {
  notify(n: DeprecationNotice): Promise<void>;
}

const ACCESS_PAGE_PATH = '/model-access';

/** Deprecation notices through Backstage notifications; failures are logged, never thrown. */
export class NotificationDeprecationNotifier implements DeprecationNotifier {
  constructor(
    private readonly deps: {
      notifications: NotificationService;
      logger: LoggerService;
    },
  ) {}

  async notify(n: DeprecationNotice): Promise<void> {
    const recipients = [...new Set(n.recipients.filter(Boolean))];
    if (!recipients.length) return;
    const day = n.sunsetAt.toISOString().slice(0, 10);
    const fate =
      n.atSunset === 'unpublish'
        ? 'it stops answering'
        : 'no new keys are issued';
    try {
      await this.deps.notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          topic: 'model-publishing.deprecation',
          title:
            n.kind === 'deprecated'
              ? `${n.modelTitle} is deprecated: sunset ${day}`
              : `${n.modelTitle} sunsets in 7 days (${day})`,
          description: [
            `On ${day} ${fate}.`,
            n.successor
              ? `Move to ${n.successor}${
                  n.successorUrl ? ` (${n.successorUrl})` : ''
                }.`
              : '',
            n.message ?? '',
          ]
            .filter(Boolean)
            .join(' '),
          link: ACCESS_PAGE_PATH,
          severity: n.kind === 'deprecated' ? 'high' : 'critical',
        },
      });
    } catch (error) {
      this.deps.logger.warn(
        `Could not send deprecation notice for ${n.modelTitle}: ${
          (error as Error).message
        }`,
      );
    }
  }
}
