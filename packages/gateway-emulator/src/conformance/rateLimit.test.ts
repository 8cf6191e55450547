/*
 * Global rate limits, as Envoy Gateway's e2e suite states them:
 * envoyproxy/gateway test/e2e/tests/ratelimit.go — RateLimitHeaderMatchTest (3 requests per hour pass with
 * `X-Ratelimit-Limit: 3, 3;w=3600`, the fourth gets 429; a request missing a matched header is never limited)
 * and GlobalRateLimitHeaderInvertMatchTest (an inverted Exact match exempts that value), with `Distinct`
 * giving each client id its own bucket.
 */
import {
  Harness,
  call,
  createApiKeyPolicy,
  createHttpRoute,
  createRateLimitPolicy,
  createSecret,
  programmed,
  startHarness,
} from '../__testUtils__/harness';


// The first emulator start in a process compiles the CRD schemas (several seconds on a busy machine).
jest.setTimeout(30_000);

describe('global rate limits (envoyproxy/gateway test/e2e/tests/ratelimit.go)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await createHttpRoute(h, 'header-ratelimit', { prefix: '/get', service: 'echo' });
    await createRateLimitPolicy(h, 'header-ratelimit', 'header-ratelimit', [
      {
        clientSelectors: [{ headers: [{ name: 'x-user-id', type: 'Exact', value: 'one' }, { name: 'x-user-org', type: 'Exact', value: 'acme' }] }],
        limit: { requests: 3, unit: 'Hour' },
      },
    ]);
    await programmed(h, 'header-ratelimit', { rules: 1 });

    await createSecret(h, 'keys', { 'key-a': 'ka', 'key-b': 'kb', 'key-vip': 'kv' });
    await createApiKeyPolicy(h, 'keyed', 'keyed', 'keys');
    await createHttpRoute(h, 'keyed', { prefix: '/keyed', service: 'echo' });
    await createRateLimitPolicy(h, 'keyed', 'keyed', [
      { clientSelectors: [{ headers: [{ name: 'x-client-id', type: 'Exact', value: 'key-vip' }] }], limit: { requests: 5, unit: 'Minute' } },
      {
        clientSelectors: [{ headers: [{ name: 'x-client-id', type: 'Distinct' }, { name: 'x-client-id', type: 'Exact', value: 'key-vip', invert: true }] }],
        limit: { requests: 2, unit: 'Minute' },
      },
      {
        clientSelectors: [{ headers: [{ name: 'x-client-id', type: 'Distinct' }, { name: 'x-client-id', type: 'Exact', value: 'key-vip', invert: true }] }],
        limit: { requests: 1000, unit: 'Month' },
      },
    ]);
    await programmed(h, 'keyed', { auth: true, rules: 3 });
  });
  afterAll(() => h.close());

  it('all matched headers can get limited: 3 pass with X-Ratelimit-Limit "3, 3;w=3600", the 4th is 429', async () => {
    const headers = { 'x-user-id': 'one', 'x-user-org': 'acme' };
    const ok = [];
    for (let i = 0; i < 3; i++) ok.push(await call(h, '/get', { headers }));
    expect(ok.map(r => r.status)).toEqual([200, 200, 200]);
    expect(ok[0].headers.get('x-ratelimit-limit')).toBe('3, 3;w=3600');
    expect(ok.map(r => r.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0']);
    const limited = await call(h, '/get', { headers });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    expect(limited.headers.get('x-envoy-ratelimited')).toBe('true');
  });

  it('only one matched header cannot get limited', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await call(h, '/get', { headers: { 'x-user-id': 'one' } });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });

  it('Distinct on the forwarded client id: each key has its own bucket, per-minute and per-month rules report together', async () => {
    const a1 = await call(h, '/keyed', { headers: { 'x-api-key': 'ka' } });
    expect(a1.status).toBe(200);
    expect(a1.headers.get('x-ratelimit-limit')).toBe('2, 2;w=60, 1000;w=2592000');
    expect((await call(h, '/keyed', { headers: { 'x-api-key': 'ka' } })).status).toBe(200);
    const a3 = await call(h, '/keyed', { headers: { 'x-api-key': 'ka' } });
    expect(a3.status).toBe(429);
    expect((await call(h, '/keyed', { headers: { 'x-api-key': 'kb' } })).status).toBe(200);
  });

  it('an inverted Exact match exempts that client from the Distinct rules; its Exact rule applies instead', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(h, '/keyed', { headers: { 'x-api-key': 'kv' } })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('a key rejected by auth does not consume anything; the window resets at the minute boundary', async () => {
    expect((await call(h, '/keyed', { headers: { 'x-api-key': 'nope' } })).status).toBe(401);
    expect((await call(h, '/keyed', { headers: { 'x-api-key': 'ka' } })).status).toBe(429);
    h.now.ms += 60_000;
    expect((await call(h, '/keyed', { headers: { 'x-api-key': 'ka' } })).status).toBe(200);
  });

  it('logs 429s with the client id and the RL flag', () => {
    const limited = h.logs.filter(l => l.response_code === 429 && l.client_id === 'key-a');
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].response_flags).toBe('RL');
  });
});
