import * as isvcs from '../models/__testUtils__/inferenceServices';
import { buildPublicationObjects } from './buildPublicationObjects';
import { buildRateLimitRules } from './backendTrafficPolicy';
import {
  gateway,
  input,
  testKey,
  v1Input,
  vllmInput,
} from './__testUtils__/inputs';

describe('buildRateLimitRules', () => {
  const distinct = { name: 'x-client-id', type: 'Distinct' };
  const tokenCost = {
    request: { from: 'Number', number: 0 },
    response: {
      from: 'Metadata',
      metadata: { namespace: 'io.envoy.ai_gateway', key: 'llm_total_token' },
    },
  };

  it('global: one Distinct rule per publication limit', () => {
    const built = input(isvcs.sklearnV1, {
      config: { rateLimits: { requestsPerMinute: 60, requestsPerDay: 1000 } },
    });
    expect(buildRateLimitRules(built)).toEqual({
      mode: 'global',
      rules: [
        {
          clientSelectors: [{ headers: [distinct] }],
          limit: { requests: 60, unit: 'Minute' },
        },
        {
          clientSelectors: [{ headers: [distinct] }],
          limit: { requests: 1000, unit: 'Day' },
        },
      ],
    });
  });

  it('global, LLM: token rules charge 0 per request and the total tokens from AI Gateway metadata per response', () => {
    expect(buildRateLimitRules(vllmInput()).rules).toEqual([
      {
        clientSelectors: [{ headers: [distinct] }],
        limit: { requests: 60, unit: 'Minute' },
      },
      {
        clientSelectors: [{ headers: [distinct] }],
        limit: { requests: 100000, unit: 'Hour' },
        cost: tokenCost,
      },
    ]);
  });

  it('global: keys with their own limits get Exact rules first and are excluded from the Distinct rules', () => {
    const built = vllmInput();
    built.keys = [
      testKey(1),
      { ...testKey(2), rateLimits: { requestsPerMinute: 600 } },
      { ...testKey(3), rateLimits: { tokensPerHour: 5 } },
    ];
    const exact = (id: string) => ({
      name: 'x-client-id',
      type: 'Exact',
      value: id,
    });
    const not = (id: string) => ({ ...exact(id), invert: true });
    expect(buildRateLimitRules(built).rules).toEqual([
      {
        clientSelectors: [{ headers: [exact('key-2')] }],
        limit: { requests: 600, unit: 'Minute' },
      },
      {
        clientSelectors: [{ headers: [exact('key-2')] }],
        limit: { requests: 100000, unit: 'Hour' },
        cost: tokenCost,
      },
      {
        clientSelectors: [{ headers: [exact('key-3')] }],
        limit: { requests: 60, unit: 'Minute' },
      },
      {
        clientSelectors: [{ headers: [exact('key-3')] }],
        limit: { requests: 5, unit: 'Hour' },
        cost: tokenCost,
      },
      {
        clientSelectors: [{ headers: [distinct, not('key-2'), not('key-3')] }],
        limit: { requests: 60, unit: 'Minute' },
      },
      {
        clientSelectors: [{ headers: [distinct, not('key-2'), not('key-3')] }],
        limit: { requests: 100000, unit: 'Hour' },
        cost: tokenCost,
      },
    ]);
  });

  it('local: no Distinct; an Exact rule per key and limit', () => {
    const built = input(isvcs.sklearnV1, {
      gateway: { ...gateway, rateLimitMode: 'local' },
    });
    const { mode, rules } = buildRateLimitRules(built);
    expect(mode).toBe('local');
    expect(rules).toEqual([
      {
        clientSelectors: [
          { headers: [{ name: 'x-client-id', type: 'Exact', value: 'key-1' }] },
        ],
        limit: { requests: 60, unit: 'Minute' },
      },
      {
        clientSelectors: [
          { headers: [{ name: 'x-client-id', type: 'Exact', value: 'key-2' }] },
        ],
        limit: { requests: 60, unit: 'Minute' },
      },
    ]);
    expect(JSON.stringify(rules)).not.toContain('Distinct');
  });

  it('local: refuses more than 16 rules, and token limits', () => {
    const many = input(isvcs.sklearnV1, {
      gateway: { ...gateway, rateLimitMode: 'local' },
      keys: Array.from({ length: 6 }, (_, i) => testKey(i)),
      config: {
        rateLimits: {
          requestsPerMinute: 1,
          requestsPerHour: 2,
          requestsPerDay: 3,
        },
      },
    });
    expect(() => buildRateLimitRules(many)).toThrow(
      /at most 16 rules .* need 18/,
    );
    expect(() =>
      buildRateLimitRules({
        ...vllmInput(),
        gateway: { ...gateway, rateLimitMode: 'local' },
      }),
    ).toThrow(
      /^rateLimits.tokensPerHour: token limits need global rate limiting/,
    );
  });

  it('global: refuses more than 256 rules', () => {
    // 42 keys × 6 own limits + 6 Distinct rules = 258 > 256; 41 keys → 252 (an LLM: six windows).
    const all = {
      requestsPerMinute: 5,
      requestsPerHour: 50,
      requestsPerDay: 500,
      tokensPerMinute: 1,
      tokensPerHour: 2,
      tokensPerDay: 3,
    };
    const keys = Array.from({ length: 42 }, (_, i) => ({
      ...testKey(i),
      rateLimits: all,
    }));
    const built = { ...vllmInput(), keys, config: { rateLimits: all } };
    expect(() => buildRateLimitRules(built)).toThrow(
      /at most 256 rate-limit rules and these limits need 258/,
    );
    expect(
      buildRateLimitRules({ ...built, keys: keys.slice(0, 41) }).rules,
    ).toHaveLength(252);
  });

  it('refuses token limits on a traditional model, naming the field', () => {
    const built = input(isvcs.sklearnV1, {
      config: { rateLimits: { tokensPerMinute: 10 } },
    });
    expect(() => buildRateLimitRules(built)).toThrow(
      /^rateLimits.tokensPerMinute: token limits apply only to OpenAI-compatible models/,
    );
    const keyLimit = {
      ...v1Input(),
      keys: [{ ...testKey(1), rateLimits: { tokensPerDay: 1 } }],
    };
    expect(() => buildRateLimitRules(keyLimit)).toThrow(
      /^keys\[key-1\].rateLimits.tokensPerDay/,
    );
  });

  it('BackendTrafficPolicy targets the route and holds every rule; none when there are no limits', () => {
    const btp = buildPublicationObjects(vllmInput()).find(
      o => o.kind === 'BackendTrafficPolicy',
    )!;
    expect(btp.spec.targetRefs).toEqual([
      {
        group: 'gateway.networking.k8s.io',
        kind: 'HTTPRoute',
        name: 'vllm-qwen-mp',
      },
    ]);
    expect(btp.spec.rateLimit?.global?.rules).toHaveLength(2);
    const none = buildPublicationObjects(
      input(isvcs.sklearnV1, { config: { rateLimits: {} } }),
    ).find(o => o.kind === 'BackendTrafficPolicy')!;
    expect(none.spec).toEqual({
      targetRefs: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'HTTPRoute',
          name: 'sklearn-iris-mp',
        },
      ],
    });
  });
});
