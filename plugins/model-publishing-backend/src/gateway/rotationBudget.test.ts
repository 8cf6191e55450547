import { createSchemaValidator, loadCrdMatrix } from '@model-publishing/kube-emulator';
import { buildBackendTrafficPolicy, buildRateLimitRules } from './backendTrafficPolicy';
import { gateway, testKey, v1Input, vllmInput } from './__testUtils__/inputs';

/**
 * Rotation must not double a key's budget. Envoy Gateway (api/v1alpha1/ratelimit_types.go): a
 * `Distinct` header match gives each value its own bucket, any other match is one bucket for all
 * requests it matches. During the grace period the old key and its successor have different client
 * ids, so they are taken out of the Distinct rules and given one RegularExpression rule on both.
 */
describe('a rotated key and its successor share one budget during the grace period', () => {
  const pair = () => [testKey(1), { ...testKey(2), sharesBudgetWith: 'key-1' }, testKey(3)];

  it('global: one shared rule for the pair, the others keep their Distinct buckets', () => {
    const { rules } = buildRateLimitRules({ ...v1Input(), keys: pair() });
    expect(rules).toEqual([
      {
        clientSelectors: [{ headers: [{ name: 'x-client-id', type: 'RegularExpression', value: '^(?:key-1|key-2)$' }] }],
        limit: { requests: 60, unit: 'Minute' },
      },
      {
        clientSelectors: [
          {
            headers: [
              { name: 'x-client-id', type: 'Distinct' },
              { name: 'x-client-id', type: 'Exact', value: 'key-1', invert: true },
              { name: 'x-client-id', type: 'Exact', value: 'key-2', invert: true },
            ],
          },
        ],
        limit: { requests: 60, unit: 'Minute' },
      },
    ]);
  });

  it("the pair keeps the key's own limits and token costs (the newest key's), and passes every row's CRDs", () => {
    const keys = [
      { ...testKey(1), rateLimits: { requestsPerMinute: 5, tokensPerDay: 1000 } },
      { ...testKey(2), rateLimits: { requestsPerMinute: 5, tokensPerDay: 1000 }, sharesBudgetWith: 'key-1' },
      { ...testKey(4), sharesBudgetWith: 'key-2' }, // rotated twice within the grace period
    ];
    const input = { ...vllmInput(), keys };
    const { rules } = buildRateLimitRules(input);
    const shared = rules.filter(r => r.clientSelectors?.[0].headers[0].type === 'RegularExpression');
    expect(new Set(shared.map(r => (r.clientSelectors![0].headers[0] as any).value))).toEqual(new Set(['^(?:key-1|key-2|key-4)$']));
    expect(shared.map(r => r.limit)).toEqual([
      { requests: 60, unit: 'Minute' },
      { requests: 100000, unit: 'Hour' },
    ]);
    const btp = buildBackendTrafficPolicy(input);
    for (const row of loadCrdMatrix()) {
      expect(createSchemaValidator(row.crds).validate(btp).errors).toEqual([]);
    }
  });

  it('local: one rule per window for the pair instead of one per key', () => {
    const { rules } = buildRateLimitRules({ ...v1Input(), keys: pair(), gateway: { ...gateway, rateLimitMode: 'local' } });
    expect(rules.map(r => (r.clientSelectors![0].headers[0] as any).value)).toEqual(['^(?:key-1|key-2)$', 'key-3']);
  });

  it('a successor whose predecessor is gone is an ordinary key again', () => {
    const { rules } = buildRateLimitRules({ ...v1Input(), keys: [{ ...testKey(2), sharesBudgetWith: 'key-1' }] });
    expect(rules).toEqual([
      { clientSelectors: [{ headers: [{ name: 'x-client-id', type: 'Distinct' }] }], limit: { requests: 60, unit: 'Minute' } },
    ]);
  });
});
