import {
  headers,
  startSecurityBackend,
  type SecurityBackend,
} from '../__testUtils__/securityBackend';

/**
 * Issue 14, finding 6: a cluster that cannot answer (5xx, no answer in time, connection refused) is a 503
 * with Retry-After, so clients retry; a cluster that answers 4xx is not turned into a 503. Through the real
 * HTTP stack (catalog, permission framework), the faults injected into the Kubernetes API emulator.
 */
jest.setTimeout(180_000);

const API = '/api/model-publishing';
const OWNER = headers.user('user:default/grace'); // genai: owns genai/qwen-chat
const MODEL = `${API}/models/local/genai/qwen-chat`;
const MODEL_BY_ENTITY = `${API}/entities/component/default/qwen-chat`;
/** Every request to the model's namespace (reads of the model are served from the product's watch). */
const NS = '/namespaces/genai/';
const rateLimits = { requestsPerMinute: 60 };
const TIMEOUT_MS = 5_000;

describe('cluster faults (finding 6)', () => {
  let b: SecurityBackend;

  beforeAll(async () => {
    b = await startSecurityBackend({
      config: { clusterRequestTimeoutMs: TIMEOUT_MS },
    });
    await b.waitFor(async () => {
      const res = await b.request.get(MODEL).set(OWNER);
      return res.status === 200 ? true : undefined;
    });
  });
  afterEach(() => {
    b?.emulator.faults.clear();
  });
  afterAll(async () => {
    await b?.stop();
  });

  /** Status, Retry-After and error name of an answer; UNAVAILABLE is what a 503 must be. */
  const answer = (res: {
    status: number;
    headers: Record<string, string>;
    body: any;
  }) => [res.status, res.headers['retry-after'], res.body.error?.name];
  const UNAVAILABLE = [503, '10', 'ServiceUnavailableError'];

  it.each([500, 503, 504])(
    'a cluster answering %i is 503 with Retry-After, under both addresses',
    async status => {
      b.emulator.faults.failNth({
        n: 1,
        persistent: true,
        pathPattern: NS,
        status,
      });
      for (const at of [MODEL, MODEL_BY_ENTITY]) {
        expect(
          answer(
            await b.request
              .post(`${at}/publication/dry-run`)
              .set(OWNER)
              .send({ rateLimits }),
          ),
        ).toEqual(UNAVAILABLE);
      }
    },
  );

  it('a cluster answering 404 stays 404, and 403 a 502, neither with Retry-After', async () => {
    b.emulator.faults.failNth({
      n: 1,
      persistent: true,
      pathPattern: NS,
      status: 404,
    });
    const dryRun = () =>
      b.request
        .post(`${MODEL}/publication/dry-run`)
        .set(OWNER)
        .send({ rateLimits });
    const missing = await dryRun();
    expect([missing.status, missing.headers['retry-after']]).toEqual([
      404,
      undefined,
    ]);
    b.emulator.faults.clear();
    b.emulator.faults.failNth({
      n: 1,
      persistent: true,
      pathPattern: NS,
      status: 403,
    });
    const forbidden = await dryRun();
    expect([
      forbidden.status,
      forbidden.headers['retry-after'],
      forbidden.body.error?.name,
    ]).toEqual([502, undefined, 'ClusterError']);
  });

  it('a cluster that does not answer in time is 503 with Retry-After', async () => {
    b.emulator.faults.latency(TIMEOUT_MS * 3, { pathPattern: NS });
    expect(
      answer(
        await b.request
          .post(`${MODEL}/publication/dry-run`)
          .set(OWNER)
          .send({ rateLimits }),
      ),
    ).toEqual(UNAVAILABLE);
  });

  it('the cluster answering again: 200', async () => {
    const res = await b.request
      .post(`${MODEL}/publication/dry-run`)
      .set(OWNER)
      .send({ rateLimits });
    expect(res.status).toBe(200);
  });

  // Last: the cluster goes away for good (its port closed).
  it('a cluster that refuses connections is 503 with Retry-After, reads and writes alike', async () => {
    await b.emulator.close();
    expect(answer(await b.request.get(MODEL).set(OWNER))).toEqual(UNAVAILABLE);
    expect(
      answer(
        await b.request
          .post(`${MODEL}/publication`)
          .set(OWNER)
          .send({ rateLimits }),
      ),
    ).toEqual(UNAVAILABLE);
  });
});
