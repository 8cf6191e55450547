import {
  ACCESS_PAGE_PATH,
  sendNotice,
  type NoticeDeps,
} from '../notices/sendNotice';
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

/** Leaked-key notices through Backstage notifications; failures are logged, never thrown. */
export class NotificationLeakNotifier implements LeakNotifier {
  constructor(private readonly deps: NoticeDeps) {}

  async keyLeaked(n: LeakNotice): Promise<void> {
    const fate =
      n.action === 'revoked' ? 'revoked' : 'suspended (every call answers 429)';
    await sendNotice(
      this.deps,
      n.recipients,
      {
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
      `leaked-key notice for ${n.keyName}`,
    );
  }
}
