/*
 * EnvoyExtensionPolicy Lua filters on an HTTPRoute, as envoyproxy/gateway test/e2e/tests/lua_http.go states them
 * with the manifests of test/e2e/testdata/lua-http.yaml (v1.9.0): a script from a ConfigMap (key `lua`, else the
 * first value), an inline script adding two headers, a route without a policy, a script reading its filter context.
 * Then the same filter on an AIGatewayRoute (the policy targets the HTTPRoute AI Gateway generates, same name):
 * how the product puts a deprecated LLM's Deprecation/Sunset/Link on its responses.
 */
import {
  Harness,
  NS,
  call,
  createAiRoute,
  createHttpRoute,
  startHarness,
} from '../__testUtils__/harness';

jest.setTimeout(30_000);

const HOST = 'www.example.com';

async function luaPolicy(
  h: Harness,
  name: string,
  route: string,
  lua: unknown[],
) {
  await h.custom.createNamespacedCustomObject({
    group: 'gateway.envoyproxy.io',
    version: 'v1alpha1',
    namespace: NS,
    plural: 'envoyextensionpolicies',
    body: {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'EnvoyExtensionPolicy',
      metadata: { name },
      spec: {
        targetRefs: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'HTTPRoute',
            name: route,
          },
        ],
        lua,
      },
    },
  });
}

describe('Lua (envoyproxy/gateway test/e2e/tests/lua_http.go)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    for (const [name, prefix] of [
      ['example-route-1-with-lua', '/route1'],
      ['example-route-2-with-lua', '/route2'],
      ['example-route-3-without-lua', '/route3'],
      ['example-route-4-with-lua-filter-context', '/route4'],
    ]) {
      await createHttpRoute(h, name, {
        prefix,
        service: 'echo',
        hostnames: [HOST],
      });
    }
    // "not-lua key is used to test that the it fallbacks to first key"
    await h.core.createNamespacedConfigMap({
      namespace: NS,
      body: {
        metadata: { name: 'cm-example-lua' },
        data: {
          'not-lua':
            'function envoy_on_response(response_handle)\n  response_handle:headers():add("X-Custom-Lua-Header", "lua_value_1")\nend\n',
        },
      },
    });
    await h.core.createNamespacedConfigMap({
      namespace: NS,
      body: {
        metadata: { name: 'cm-example-lua-filter-context' },
        data: {
          lua: [
            'function envoy_on_response(response_handle)',
            '  local ctx = response_handle:filterContext()',
            '  if ctx ~= nil then',
            '    local custom_value = ctx:get("custom_value")',
            '    if custom_value ~= nil then',
            '      response_handle:headers():add("X-Lua-Filter-Context", custom_value)',
            '    end',
            '  end',
            'end',
          ].join('\n'),
        },
      },
    });
    await luaPolicy(h, 'example-lua-1', 'example-route-1-with-lua', [
      {
        type: 'ValueRef',
        valueRef: { name: 'cm-example-lua', kind: 'ConfigMap', group: 'v1' },
      },
    ]);
    await luaPolicy(h, 'example-lua-2', 'example-route-2-with-lua', [
      {
        type: 'Inline',
        inline: [
          'function envoy_on_response(response_handle)',
          '  response_handle:headers():add("X-Custom-Lua-Header", "lua_value_2")',
          '  response_handle:headers():add("X-Custom-Lua-Another-Header", "lua_another_value")',
          'end',
        ].join('\n'),
      },
    ]);
    await luaPolicy(
      h,
      'example-lua-3-filter-context',
      'example-route-4-with-lua-filter-context',
      [
        {
          type: 'ValueRef',
          valueRef: {
            name: 'cm-example-lua-filter-context',
            kind: 'ConfigMap',
            group: 'v1',
          },
          filterContext: { custom_value: 'hello_from_filter_context' },
        },
      ],
    );
    await h.gateway.waitFor(
      routes => routes.filter(r => r.lua.length > 0).length === 3,
    );
  });
  afterAll(() => h.close());

  it('http route with lua filter 1: the script from the ConfigMap (first key) adds its header', async () => {
    const r = await call(h, '/route1', { host: HOST });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-custom-lua-header')).toBe('lua_value_1');
    expect(r.headers.get('x-custom-lua-another-header')).toBeNull();
  });

  it('http route with lua filter 2: the inline script adds two headers', async () => {
    const r = await call(h, '/route2', { host: HOST });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-custom-lua-header')).toBe('lua_value_2');
    expect(r.headers.get('x-custom-lua-another-header')).toBe(
      'lua_another_value',
    );
  });

  it('http route without lua filter: neither header', async () => {
    const r = await call(h, '/route3', { host: HOST });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-custom-lua-header')).toBeNull();
    expect(r.headers.get('x-custom-lua-another-header')).toBeNull();
  });

  it('http route with lua filter context: the script reads the value the policy gives it', async () => {
    const r = await call(h, '/route4', { host: HOST });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-lua-filter-context')).toBe(
      'hello_from_filter_context',
    );
  });

  it('a script that does not load rejects the policy; one that fails at run time lets the response through', async () => {
    await createHttpRoute(h, 'bad-syntax', {
      prefix: '/bad-syntax',
      service: 'echo',
      hostnames: [HOST],
    });
    await createHttpRoute(h, 'bad-runtime', {
      prefix: '/bad-runtime',
      service: 'echo',
      hostnames: [HOST],
    });
    await luaPolicy(h, 'bad-syntax', 'bad-syntax', [
      { type: 'Inline', inline: 'function envoy_on_response(' },
    ]);
    await luaPolicy(h, 'bad-runtime', 'bad-runtime', [
      {
        type: 'Inline',
        inline:
          'function envoy_on_response(h)\n  h:headers():add("x-before", "1")\n  error("boom")\nend',
      },
    ]);
    await h.gateway.waitFor(
      routes =>
        routes.some(r => r.name === 'bad-syntax' && r.luaError) &&
        routes.some(r => r.name === 'bad-runtime' && r.lua.length),
    );
    expect((await call(h, '/bad-syntax', { host: HOST })).status).toBe(200);
    const r = await call(h, '/bad-runtime', { host: HOST });
    expect(r.status).toBe(200);
  });

  it('an AIGatewayRoute: the policy on the HTTPRoute AI Gateway generates (same name) sets the deprecation headers from its filter context', async () => {
    await createAiRoute(h, 'llm-mp', {
      hostname: 'llm.example.com',
      model: 'llm',
      service: 'llm-predictor',
      prefix: '/openai/v1',
    });
    const script = [
      'function envoy_on_response(response_handle)',
      '  local ctx = response_handle:filterContext()',
      '  if ctx == nil then',
      '    return',
      '  end',
      '  local headers = response_handle:headers()',
      '  for i = 1, 16 do',
      '    local name = ctx:get("name" .. i)',
      '    if name == nil then',
      '      break',
      '    end',
      '    headers:replace(name, ctx:get("value" .. i))',
      '  end',
      'end',
    ].join('\n');
    await luaPolicy(h, 'llm-mp', 'llm-mp', [
      {
        type: 'Inline',
        inline: script,
        filterContext: {
          name1: 'Deprecation',
          value1: '@1796083200',
          name2: 'Sunset',
          value2: 'Sat, 01 Jan 2028 00:00:00 GMT',
          name3: 'Link',
          value3: '<https://models.example.com/v2>; rel="successor-version"',
        },
      },
    ]);
    await h.gateway.waitFor(routes =>
      routes.some(r => r.name === 'llm-mp' && r.lua.length === 1),
    );
    const r = await call(h, '/v1/chat/completions', {
      host: 'llm.example.com',
      body: { model: 'llm', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(r.status).toBe(200);
    expect(r.json.choices[0].message.content).toBeTruthy();
    expect(r.headers.get('deprecation')).toBe('@1796083200');
    expect(r.headers.get('sunset')).toBe('Sat, 01 Jan 2028 00:00:00 GMT');
    expect(r.headers.get('link')).toBe(
      '<https://models.example.com/v2>; rel="successor-version"',
    );
  });
});
