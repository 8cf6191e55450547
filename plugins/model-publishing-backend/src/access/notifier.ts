import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import {
  ACCESS_PAGE_PATH,
  sendNotice,
  type NoticeDeps,
} from '../notices/sendNotice';
import type { AccessNotifier, AccessModel } from './types';

/** Frontend page where owners decide on access requests (plugins/model-publishing routes). */
export const APPROVALS_PAGE_PATH = '/model-access/approvals';
const TOPIC = 'model-publishing.access';

const shortRef = (ref: string) =>
  ref.replace(/^[a-z]+:default\//, '').replace(/^[a-z]+:/, '');

/**
 * Access notices through Backstage notifications (@backstage/plugin-notifications-backend): requests go
 * to the model's owning group, decisions to the requester, suspensions to the owners, expiry warnings to
 * the key's holders. Delivery failures are logged, never thrown: a decision stands either way.
 */
export class NotificationAccessNotifier implements AccessNotifier {
  constructor(private readonly deps: NoticeDeps) {}

  private send(recipients: string[], payload: NotificationPayload) {
    return sendNotice(
      this.deps,
      recipients,
      { topic: TOPIC, ...payload },
      `notification "${payload.title}"`,
    );
  }

  private owners(model: AccessModel): string[] {
    return model.owner ? [model.owner] : [];
  }

  async requestCreated(
    request: Parameters<AccessNotifier['requestCreated']>[0],
    model: AccessModel,
  ) {
    await this.send(this.owners(model), {
      title: `${shortRef(request.requester)} requests access to ${model.title}`,
      description: `Plan ${request.planName} for ${shortRef(
        request.consumerRef,
      )}: ${request.purpose}`,
      link: APPROVALS_PAGE_PATH,
      severity: 'normal',
    });
  }

  async requestDecided(
    request: Parameters<AccessNotifier['requestDecided']>[0],
    model: AccessModel,
  ) {
    const approved = request.status === 'approved';
    await this.send([request.requester], {
      title: approved
        ? `Access to ${model.title} approved: collect your key`
        : `Access to ${model.title} denied`,
      description: approved
        ? `Plan ${request.planName} for ${shortRef(
            request.consumerRef,
          )}. The key is shown once, on your model access page.`
        : `Reason: ${request.reason ?? 'none given'}`,
      link: ACCESS_PAGE_PATH,
      severity: approved ? 'normal' : 'high',
    });
  }

  async consumerGone(input: Parameters<AccessNotifier['consumerGone']>[0]) {
    await this.send(this.owners(input.model), {
      title: `Keys of ${shortRef(input.consumerRef)} to ${
        input.model.title
      } suspended`,
      description: `${input.consumerRef} is no longer in the catalog, so its ${input.keyIds.length} key(s) were suspended. Resume or revoke them.`,
      link: APPROVALS_PAGE_PATH,
      severity: 'high',
    });
  }

  async keyExpiring(input: Parameters<AccessNotifier['keyExpiring']>[0]) {
    await this.send(input.recipients, {
      title: `Your key ${input.keyName} to ${
        input.model.title
      } expires ${input.expiresAt.toISOString().slice(0, 10)}`,
      description:
        'Request access again before it expires to keep calling the model.',
      link: ACCESS_PAGE_PATH,
      severity: 'high',
    });
  }
}
