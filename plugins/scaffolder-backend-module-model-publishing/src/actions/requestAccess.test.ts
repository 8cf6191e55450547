import { failureOf, run, useStubBackend } from '../__testUtils__/harness';
import { FAKE_KEY, OWNER, STRANGER } from '../__testUtils__/stubBackend';

const IRIS = 'component:default/iris';
const INPUT = {
  entityRef: IRIS,
  plan: 'partner',
  consumer: 'component:default/checkout-scoring',
  purpose: 'Scores card payments at checkout',
};

describe('model-publishing:request-access', () => {
  const env = useStubBackend();

  it('requests access as the initiator, never takes a key into the task, and links to My model access', async () => {
    const { outputs, logText } = await run(env.actions.requestAccess, INPUT, {
      user: STRANGER,
    });
    expect(outputs()).toEqual({
      requestId: 'req-1',
      status: 'pending',
      accessPageUrl: 'http://portal.test/model-access',
    });
    const [write] = env.stub.requests.filter(r => r.method === 'POST');
    expect(write).toMatchObject({
      path: '/entities/component/default/iris/publication/access-requests',
      onBehalfOf: STRANGER,
      body: {
        plan: 'partner',
        consumer: 'component:default/checkout-scoring',
        purpose: INPUT.purpose,
        collectLater: true,
      },
    });
    expect(JSON.stringify(outputs()) + logText()).not.toContain(FAKE_KEY);
  });

  it('refuses a short purpose or a malformed consumer with a message naming the field, sending nothing', async () => {
    const failure = await failureOf(
      env.actions.requestAccess,
      { ...INPUT, purpose: 'x', consumer: 'paul' },
      { user: OWNER },
    );
    expect(failure.error.message).toMatch(/purpose/);
    expect(failure.error.message).toMatch(/consumer/);
    expect(env.stub.requests.filter(r => r.method === 'POST')).toEqual([]);
  });
});
