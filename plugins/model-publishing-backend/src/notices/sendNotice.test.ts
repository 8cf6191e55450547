import { mockServices } from '@backstage/backend-test-utils';
import { NotificationDeprecationNotifier } from '../deprecation/notifier';
import { NotificationLeakNotifier } from '../leaks/notifier';
import { sendNotice } from './sendNotice';

function deps(fail = false) {
  const send = jest.fn(async () => {
    if (fail) throw new Error('notifications backend down');
  });
  const logger = mockServices.logger.mock();
  return { send, logger, deps: { notifications: { send }, logger } };
}

describe('sendNotice', () => {
  it('sends once to each recipient, empty refs dropped', async () => {
    const d = deps();
    await sendNotice(
      d.deps,
      ['group:default/a', '', 'user:default/b', 'group:default/a'],
      { title: 'Hello' },
      'greeting',
    );
    expect(d.send).toHaveBeenCalledWith({
      recipients: {
        type: 'entity',
        entityRef: ['group:default/a', 'user:default/b'],
      },
      payload: { title: 'Hello' },
    });
  });

  it('sends nothing without recipients', async () => {
    const d = deps();
    await sendNotice(d.deps, ['', ''], { title: 'Hello' }, 'greeting');
    expect(d.send).not.toHaveBeenCalled();
  });

  it('logs a failed delivery and does not throw', async () => {
    const d = deps(true);
    await sendNotice(
      d.deps,
      ['user:default/b'],
      { title: 'Hello' },
      'greeting',
    );
    expect(d.logger.warn).toHaveBeenCalledWith(
      'Could not send greeting: notifications backend down',
    );
  });
});

describe('notifiers over sendNotice', () => {
  it('a deprecation notice: topic, title by kind, and its failure named for the model', async () => {
    const d = deps(true);
    await new NotificationDeprecationNotifier(d.deps).notify({
      kind: 'deprecated',
      recipients: ['user:default/b'],
      modelTitle: 'fraud-sklearn',
      sunsetAt: new Date('2027-01-31T00:00:00Z'),
      atSunset: 'unpublish',
    });
    expect(d.send).toHaveBeenCalledWith(
      expect.objectContaining({
        payload: expect.objectContaining({
          topic: 'model-publishing.deprecation',
          title: 'fraud-sklearn is deprecated: sunset 2027-01-31',
          link: '/model-access',
        }),
      }),
    );
    expect(d.logger.warn).toHaveBeenCalledWith(
      'Could not send deprecation notice for fraud-sklearn: notifications backend down',
    );
  });

  it('a leaked-key notice names the key, never sends to nobody', async () => {
    const d = deps();
    const notifier = new NotificationLeakNotifier(d.deps);
    const notice = {
      keyName: 'ci',
      modelTitle: 'fraud-sklearn',
      action: 'revoked' as const,
      reportedBy: 'github-secret-scanning',
    };
    await notifier.keyLeaked({ ...notice, recipients: [] });
    expect(d.send).not.toHaveBeenCalled();
    await notifier.keyLeaked({ ...notice, recipients: ['user:default/b'] });
    expect(d.send).toHaveBeenCalledWith(
      expect.objectContaining({
        payload: expect.objectContaining({
          topic: 'model-publishing.keys',
          title: 'API key ci to fraud-sklearn leaked and was revoked',
        }),
      }),
    );
  });
});
