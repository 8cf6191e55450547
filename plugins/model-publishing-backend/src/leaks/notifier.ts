import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { LeakAction } from './LeakStore';

/** What a leaked-key notice says: never the key, only its name, model and where it was found. */
export interface LeakNotice {
  recipients: string[];
  keyName: string;
  modelTitle: string;
  action: LeakAction;
  /** Where the key was found (GitHub's `url`), when the report says. */
  foundAt?: string;
  reportedBy: string;
}

export interface LeakNotifier {
  keyLeaked(notice: LeakNotice): Promise<void>;
}

/** Frontend page where keys' holders see their keys (plugins/model-publishing). */
const ACCESS_PAGE_PATH = '/model-access';

/** Leaked-key notices through Backstage notifications; failures are logged, never thrown. */
export class NotificationLeakNotifier implements LeakNotifier {
  constructor(
    private readonly deps: {
      notifications: NotificationService;
      logger: LoggerService;
    },
  ) {}

  async keyLeaked(n: LeakNotice): Promise<void> {
    const recipients = [...new Set(n.recipients.filter(Boolean))];
    if (!recipients.length) return;
    const fate =
      n.action === 'revoked' ? 'revoked' : 'suspended (every call answers 429)';
    try {
      await this.deps.notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          topic: 'model-publishing.keys',
          title: `API key ${n.keyName} to ${n.modelTitle} leaked and was ${n.action}`,
          description: `${
            n.reportedBy === 'github-secret-scanning'
              ? 'GitHub secret scanning'
              : n.reportedBy
          } found the key${
            n.foundAt ? ` at ${n.foundAt}` : ''
          }. It was ${fate}. Create or request a new key, and remove the old one from where it was published.`,
          link: ACCESS_PAGE_PATH,
          severity: 'critical',
        },
      });
    } catch (error) {
      this.deps.logger.warn(
        `Could not send leaked-key notice for ${n.keyName}: ${
          (error as Error).message
        }`,
      );
    }
  }
}
