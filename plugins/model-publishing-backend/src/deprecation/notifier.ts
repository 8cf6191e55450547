import {
  ACCESS_PAGE_PATH,
  sendNotice,
  type NoticeDeps,
} from '../notices/sendNotice';

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

/** Deprecation notices through Backstage notifications; failures are logged, never thrown. */
export class NotificationDeprecationNotifier implements DeprecationNotifier {
  constructor(private readonly deps: NoticeDeps) {}

  async notify(n: DeprecationNotice): Promise<void> {
    const day = n.sunsetAt.toISOString().slice(0, 10);
    const fate =
      n.atSunset === 'unpublish'
        ? 'it stops answering'
        : 'no new keys are issued';
    await sendNotice(
      this.deps,
      n.recipients,
      {
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
      `deprecation notice for ${n.modelTitle}`,
    );
  }
}
