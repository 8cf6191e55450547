/*
 * HTTPRoute matching and rewriting, as the Gateway API conformance suite states it:
 * kubernetes-sigs/gateway-api conformance/tests/httproute-rewrite-path.go (ReplacePrefixMatch keeps the rest of the path),
 * conformance/tests/httproute-hostname-intersection.go (hostnames select routes), and Envoy's local replies:
 * 404 with flag NR when no route matches, 503 "no healthy upstream" (UH) when the backend has no endpoint.
 */
import {
  Harness,
  NS,
  call,
  createHttpRoute,
  startHarness,
} from '../__testUtils__/harness';

// The first emulator start in a process compiles the CRD schemas (several seconds on a busy machine).
jest.setTimeout(30_000);

describe('HTTPRoute (kubernetes-sigs/gateway-api conformance/tests/httproute-rewrite-path.go)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await createHttpRoute(h, 'model', {
      prefix: `/models/${NS}/sklearn`,
      service: 'sklearn-predictor',
      rewrite: '/',
    });
    await createHttpRoute(h, 'echo-host', {
      prefix: '/',
      service: 'echo',
      hostnames: ['echo.example.com'],
    });
    await createHttpRoute(h, 'no-stub', {
      prefix: '/missing',
      service: 'not-served',
    });
    await createHttpRoute(h, 'deprecated', {
      prefix: `/models/${NS}/old`,
      service: 'sklearn-predictor',
      rewrite: '/',
      filters: [
        {
          type: 'ResponseHeaderModifier',
          responseHeaderModifier: {
            set: [
              { name: 'Deprecation', value: '@1796083200' },
              { name: 'Sunset', value: 'Sat, 01 Jan 2028 00:00:00 GMT' },
              {
                name: 'deprecation',
                value: 'ignored: a second entry with an equivalent name',
              },
            ],
            add: [
              {
                name: 'Link',
                value:
                  '<https://models.example.com/models/ns/new>; rel="successor-version"',
              },
            ],
            remove: ['Content-Type'],
          },
        },
        {
          type: 'RequestHeaderModifier',
          requestHeaderModifier: {
            set: [{ name: 'X-Deprecated', value: 'true' }],
          },
        },
      ],
    });
    await h.gateway.waitFor(rs => rs.length === 4);
  });
  afterAll(() => h.close());

  it('ReplacePrefixMatch "/" gives the model server its own path (KServe v1 predict)', async () => {
    const r = await call(h, `/models/${NS}/sklearn/v1/models/sklearn:predict`, {
      body: { instances: [[1, 2, 3, 4]] },
    });
    expect(r.status).toBe(200);
    expect(r.json.predictions).toHaveLength(1);
    expect(h.gateway.upstreamRequests.at(-1)!.path).toBe(
      '/v1/models/sklearn:predict',
    );
  });

  it('PathPrefix matches whole segments only', async () => {
    expect(
      (await call(h, `/models/${NS}/sklearnx/v1/models/sklearn`)).status,
    ).toBe(404);
    expect((await call(h, `/models/${NS}/sklearn`)).status).toBe(200);
  });

  it('a route with hostnames serves only those hosts', async () => {
    expect(
      (await call(h, '/anything', { host: 'echo.example.com' })).status,
    ).toBe(200);
    expect(
      (await call(h, '/anything', { host: 'other.example.com' })).status,
    ).toBe(404);
  });

  it('answers 404 with flag NR when no route matches, logging no route name', async () => {
    const r = await call(h, '/nothing-here');
    expect(r.status).toBe(404);
    expect(h.logs.at(-1)).toMatchObject({
      response_code: 404,
      response_flags: 'NR',
      route_name: null,
    });
  });

  it('answers 503 "no healthy upstream" when the backend Service has no model server', async () => {
    const r = await call(h, '/missing');
    expect(r.status).toBe(503);
    expect(r.text).toBe('no healthy upstream');
    expect(h.logs.at(-1)).toMatchObject({
      response_flags: 'UH',
      route_name: `httproute/${NS}/no-stub/rule/0/match/0/*`,
    });
  });

  it('ResponseHeaderModifier sets, adds and removes response headers (first of equivalent names wins); RequestHeaderModifier reaches the upstream', async () => {
    const r = await call(h, `/models/${NS}/old/v1/models/sklearn:predict`, {
      body: { instances: [[1, 2, 3, 4]] },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('deprecation')).toBe('@1796083200');
    expect(r.headers.get('sunset')).toBe('Sat, 01 Jan 2028 00:00:00 GMT');
    expect(r.headers.get('link')).toBe(
      '<https://models.example.com/models/ns/new>; rel="successor-version"',
    );
    expect(r.headers.get('content-type')).toBeNull();
    expect(h.gateway.upstreamRequests.at(-1)!.headers['x-deprecated']).toBe(
      'true',
    );
    // Other routes are untouched.
    const plain = await call(
      h,
      `/models/${NS}/sklearn/v1/models/sklearn:predict`,
      { body: { instances: [[1, 2, 3, 4]] } },
    );
    expect(plain.headers.get('deprecation')).toBeNull();
    expect(plain.headers.get('content-type')).toMatch(/json/);
  });

  it('stops serving a deleted route', async () => {
    await h.custom.deleteNamespacedCustomObject({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      namespace: NS,
      plural: 'httproutes',
      name: 'no-stub',
    });
    await h.gateway.waitFor(rs => !rs.some(r => r.name === 'no-stub'));
    expect((await call(h, '/missing')).status).toBe(404);
  });
});
