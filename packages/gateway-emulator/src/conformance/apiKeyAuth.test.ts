/*
 * API key authentication, as Envoy Gateway's e2e suite states it:
 * envoyproxy/gateway test/e2e/tests/api_key_auth.go (APIKeyAuthTest: "api-key auth with header", "with query",
 * "with cookie"), plus the SecurityPolicy apiKeyAuth fields it exercises (forwardClientIDHeader, sanitize).
 */
import {
  Harness,
  NS,
  call,
  createApiKeyPolicy,
  createHttpRoute,
  createSecret,
  programmed,
  replaceSecret,
  startHarness,
} from '../__testUtils__/harness';


// The first emulator start in a process compiles the CRD schemas (several seconds on a busy machine).
jest.setTimeout(30_000);

describe('apiKeyAuth (envoyproxy/gateway test/e2e/tests/api_key_auth.go)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await createSecret(h, 'keys', { client1: 'key1', client2: 'key2' });
    await createApiKeyPolicy(h, 'auth', 'echo', 'keys', ['x-api-key', 'authorization']);
    await createHttpRoute(h, 'echo', { prefix: '/api-key-auth-header', service: 'echo' });
    await programmed(h, 'echo', { auth: true });
  });
  afterAll(() => h.close());

  it('api-key auth with header: a valid key reaches the backend with the client id and without the key', async () => {
    const r = await call(h, '/api-key-auth-header', { headers: { 'X-API-KEY': 'key1' } });
    expect(r.status).toBe(200);
    expect(r.json.headers['x-client-id']).toBe('client1');
    expect(r.json.headers['x-api-key']).toBeUndefined();
  });

  it('api-key auth with header: an invalid key gets 401', async () => {
    expect((await call(h, '/api-key-auth-header', { headers: { 'X-API-KEY': 'invalid' } })).status).toBe(401);
  });

  it('no key at all gets 401 and never reaches the backend', async () => {
    const before = h.gateway.upstreamRequests.length;
    const r = await call(h, '/api-key-auth-header');
    expect(r.status).toBe(401);
    expect(h.gateway.upstreamRequests.length).toBe(before);
  });

  it('reads `Authorization: Bearer <key>` and strips it upstream with sanitize', async () => {
    const r = await call(h, '/api-key-auth-header', { headers: { Authorization: 'Bearer key2' } });
    expect(r.status).toBe(200);
    expect(r.json.headers['x-client-id']).toBe('client2');
    expect(r.json.headers.authorization).toBeUndefined();
  });

  it("overwrites a client's own client-id header with the key's", async () => {
    const r = await call(h, '/api-key-auth-header', { headers: { 'x-api-key': 'key1', 'x-client-id': 'client2' } });
    expect(r.json.headers['x-client-id']).toBe('client1');
  });

  it('takes the first source that has a key, valid or not (no fall-through to the next header)', async () => {
    const r = await call(h, '/api-key-auth-header', { headers: { 'x-api-key': 'invalid', authorization: 'Bearer key1' } });
    expect(r.status).toBe(401);
  });

  it('applies a Secret change within seconds: a removed key gets 401, an added one works', async () => {
    await replaceSecret(h, 'keys', { client2: 'key2', client3: 'key3' });
    const deadline = Date.now() + 5000;
    let old = 200;
    let added = 401;
    while (Date.now() < deadline && (old !== 401 || added !== 200)) {
      old = (await call(h, '/api-key-auth-header', { headers: { 'x-api-key': 'key1' } })).status;
      added = (await call(h, '/api-key-auth-header', { headers: { 'x-api-key': 'key3' } })).status;
    }
    expect([old, added]).toEqual([401, 200]);
  });

  it('api-key auth with query and with cookie', async () => {
    await h.custom.createNamespacedCustomObject({
      group: 'gateway.envoyproxy.io', version: 'v1alpha1', namespace: NS, plural: 'securitypolicies',
      body: {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'SecurityPolicy', metadata: { name: 'auth-query' },
        spec: {
          targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'echo-query' }],
          apiKeyAuth: { credentialRefs: [{ group: '', kind: 'Secret', name: 'keys' }], extractFrom: [{ params: ['X-API-KEY'] }, { cookies: ['X-API-KEY'] }] },
        },
      },
    });
    await createHttpRoute(h, 'echo-query', { prefix: '/api-key-auth-query', service: 'echo' });
    await programmed(h, 'echo-query', { auth: true });
    expect((await call(h, '/api-key-auth-query?X-API-KEY=key2')).status).toBe(200);
    expect((await call(h, '/api-key-auth-query?X-API-KEY=invalid')).status).toBe(401);
    expect((await call(h, '/api-key-auth-query', { headers: { Cookie: 'X-API-KEY=key2' } })).status).toBe(200);
    expect((await call(h, '/api-key-auth-query', { headers: { Cookie: 'X-API-KEY=invalid' } })).status).toBe(401);
  });

  it('fails the route closed (500) when two client ids share a key, as Envoy Gateway rejects such a policy', async () => {
    await createSecret(h, 'dup', { a: 'same', b: 'same' });
    await createApiKeyPolicy(h, 'auth-dup', 'echo-dup', 'dup');
    await createHttpRoute(h, 'echo-dup', { prefix: '/dup', service: 'echo' });
    await h.gateway.waitFor(rs => rs.some(r => r.name === 'echo-dup' && r.authError !== undefined));
    expect((await call(h, '/dup', { headers: { 'x-api-key': 'same' } })).status).toBe(500);
  });

  it('logs 401s with the route and no client id, and successes with the client id', async () => {
    const denied = h.logs.filter(l => l.response_code === 401 && l.route_name?.startsWith(`httproute/${NS}/echo/`));
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every(l => l.client_id === null)).toBe(true);
    expect(h.logs.some(l => l.response_code === 200 && l.client_id === 'client1')).toBe(true);
  });
});
