import { checkTenantRules } from './tenantRules';

const tenants = [
  {
    group: 'group:default/fraud',
    namespaces: ['fraud'],
    maxPublications: 2,
    maxRequestsPerMinute: 600,
  },
  { group: 'group:default/monthly', maxRequestsPerMonth: 100000 },
  { group: 'group:default/genai', namespaces: ['genai'] },
];
const base = {
  tenants,
  namespace: 'fraud',
  config: { rateLimits: { requestsPerMinute: 60 } },
  livePublications: 0,
  creating: true,
};

describe('checkTenantRules', () => {
  it.each([
    ['allowed', { owner: 'group:default/fraud' }, []],
    [
      'unlisted owner in unbound namespace',
      { owner: 'group:default/other', namespace: 'free' },
      [],
    ],
    [
      'other tenant namespace',
      { owner: 'group:default/genai' },
      ['may publish from genai only, not fraud'],
    ],
    [
      'unlisted owner in bound namespace',
      { owner: 'group:default/other' },
      ['namespace: fraud belongs to group:default/fraud'],
    ],
    [
      'tenant outside its namespaces',
      { owner: 'group:default/fraud', namespace: 'genai' },
      ['namespace: tenant group:default/fraud may publish from fraud only'],
    ],
    [
      'quota reached',
      { owner: 'group:default/fraud', livePublications: 2 },
      ['maxPublications:'],
    ],
    [
      'quota not counted on update',
      { owner: 'group:default/fraud', livePublications: 2, creating: false },
      [],
    ],
    [
      'limit above max',
      {
        owner: 'group:default/fraud',
        config: { rateLimits: { requestsPerMinute: 601 } },
      },
      ['rateLimits.requestsPerMinute: 601 exceeds'],
    ],
    [
      'limit missing',
      { owner: 'group:default/fraud', config: { rateLimits: {} } },
      ['rateLimits.requestsPerMinute: tenant group:default/fraud requires'],
    ],
    [
      'month limit above max',
      {
        owner: 'group:default/monthly',
        namespace: 'free',
        config: { rateLimits: { requestsPerMonth: 100001 } },
      },
      [
        "rateLimits.requestsPerMonth: 100001 exceeds tenant group:default/monthly's maximum of 100000",
      ],
    ],
    [
      'month limit missing',
      {
        owner: 'group:default/monthly',
        namespace: 'free',
        config: { rateLimits: {} },
      },
      ['rateLimits.requestsPerMonth: tenant group:default/monthly requires'],
    ],
    [
      'plan limit above max',
      {
        owner: 'group:default/fraud',
        config: {
          rateLimits: { requestsPerMinute: 60 },
          plans: [
            { name: 'ok', rateLimits: { requestsPerMinute: 600 } },
            { name: 'big', rateLimits: { requestsPerMinute: 601 } },
          ],
        },
      },
      [
        "plans[1].rateLimits.requestsPerMinute: 601 exceeds tenant group:default/fraud's maximum of 600",
      ],
    ],
    [
      "plan without the limit takes the publication's",
      {
        owner: 'group:default/fraud',
        config: {
          rateLimits: { requestsPerMinute: 60 },
          plans: [{ name: 'p', rateLimits: { requestsPerDay: 5 } }],
        },
      },
      [],
    ],
  ])('%s', (_name, patch, expected) => {
    const violations = checkTenantRules({ ...base, ...patch } as any);
    expect(violations).toHaveLength(expected.length);
    expected.forEach((prefix, i) => expect(violations[i]).toContain(prefix));
  });
});
