import { Harness, NS, createApiKeyPolicy, createHttpRoute, createSecret, programmed, startHarness } from './__testUtils__/harness';
import { TrafficGenerator } from './traffic';

jest.setTimeout(30_000);

describe('TrafficGenerator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await createSecret(h, 'sklearn-mp-keys', { 'key-demo': 'demo-key' });
    await createApiKeyPolicy(h, 'sklearn-mp', 'sklearn-mp', 'sklearn-mp-keys');
    await createHttpRoute(h, 'sklearn-mp', { prefix: `/models/${NS}/sklearn`, service: 'sklearn-predictor', rewrite: '/' });
    await createHttpRoute(h, 'unprotected', { prefix: '/open', service: 'echo' });
    await programmed(h, 'sklearn-mp', { auth: true });
  });
  afterAll(() => h.close());

  it('calls each route that has keys with one of them, through the gateway, and leaves routes without keys alone', async () => {
    const traffic = new TrafficGenerator({ gatewayUrl: h.gateway.url, routes: h.gateway.routes, random: () => 0.5 });
    expect(await traffic.tick()).toEqual([200]);
    expect(h.logs.at(-1)).toMatchObject({ client_id: 'key-demo', response_code: 200, route_name: `httproute/${NS}/sklearn-mp/rule/0/match/0/*` });
    expect(h.gateway.upstreamRequests.at(-1)!.path).toBe('/v1/models/sklearn:predict');
  });

  it('sends a share of calls without a key (401)', async () => {
    const traffic = new TrafficGenerator({ gatewayUrl: h.gateway.url, routes: h.gateway.routes, random: () => 0 });
    expect(await traffic.tick()).toEqual([401]);
  });
});
