import { mockCredentials } from '@backstage/backend-test-utils';
import { startEmulator } from '@model-publishing/kube-emulator';
import { NAMESPACE, PluginHarness, seedPaths, startPluginHarness } from '../__testUtils__/harness';
import { RETRY_AFTER_SECONDS } from '../router/faultAnswers';

jest.setTimeout(120_000);

const auth = { Authorization: mockCredentials.user.header('user:default/alice') };
const MODEL = `/api/model-publishing/models/default/${NAMESPACE}/sklearn-iris`;

/** Issue 14, finding 6 and the defaults of finding 10: faults answered with the right status. */
describe('fault answers', () => {
  let h: PluginHarness;
  beforeAll(async () => {
    // Our own emulator (the harness leaves it open), so the last test can take the cluster away.
    const emulator = await startEmulator({ seed: seedPaths() });
    h = await startPluginHarness({ emulator, config: { watchModels: false } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a body over the limit is 413 naming the body, and nothing reaches the cluster', async () => {
    h.emulator.requests.length = 0;
    const res = await h.request
      .post(`${MODEL}/publication`)
      .set(auth)
      .send({ rateLimits: { requestsPerMinute: 1 }, description: 'x'.repeat(2_000_000) });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ name: 'PayloadTooLargeError' });
    expect(res.body.error.message).toContain('request body');
    expect(h.emulator.requests.filter(r => r.method !== 'GET')).toEqual([]);
  });

  it('error bodies carry no stack trace outside development', async () => {
    const res = await h.request.post(`${MODEL}/publication`).set(auth).send({ rateLimits: { requestsPerSecond: 1 } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.[jt]s:\d+/);
    expect(res.body.error.stack).toBeUndefined();
  });

  it('a cluster that refuses connections is 503 with Retry-After', async () => {
    await h.emulator.close();
    const res = await h.request.get(MODEL).set(auth);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    expect(res.body.error.name).toBe('ServiceUnavailableError');
  });
});
