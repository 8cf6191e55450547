import { initialPlans, emptyPlan, planSummary, plansToConfig } from './plans';

const plan = (patch: Record<string, string>) => ({ ...emptyPlan(), ...patch });

describe('plansToConfig', () => {
  it('sends nothing when only the untouched default plan exists', () => {
    expect(plansToConfig(initialPlans(), 'v1')).toEqual({
      errors: { defaultPlan: {}, plans: [] },
      valid: true,
    });
  });

  it('sends the default plan without limits of its own, and each plan with its limits (months too)', () => {
    const state = initialPlans();
    state.defaultPlan = {
      description: '',
      approval: 'automatic',
      maxKeyLifetimeDays: '30',
    };
    state.plans = [
      plan({
        name: 'pro',
        description: 'For production',
        requestsPerMinute: '600',
        requestsPerMonth: '5000000',
        tokensPerMonth: '9000000',
      }),
    ];
    expect(plansToConfig(state, 'openai').plans).toEqual([
      { name: 'default', approval: 'automatic', maxKeyLifetimeDays: 30 },
      {
        name: 'pro',
        description: 'For production',
        approval: 'manual',
        rateLimits: {
          requestsPerMinute: 600,
          requestsPerMonth: 5000000,
          tokensPerMonth: 9000000,
        },
      },
    ]);
    // Token limits are for LLMs only: a predictive model's plan drops them, as the publication's do.
    expect(plansToConfig(state, 'v2').plans?.[1].rateLimits).toEqual({
      requestsPerMinute: 600,
      requestsPerMonth: 5000000,
    });
  });

  it.each([
    [{ name: '' }, 'name', /^Give the plan a name, e.g. trial$/],
    [{ name: 'Trial' }, 'name', /lower-case letters/],
    [{ name: 'default' }, 'name', /The default plan is the one above/],
    [
      { name: 'p', requestsPerDay: '0' },
      'requestsPerDay',
      /Requests per day must be at least 1/,
    ],
    [
      { name: 'p', requestsPerMonth: '1.5' },
      'requestsPerMonth',
      /^Requests per month must be a whole number$/,
    ],
    [
      { name: 'p', maxKeyLifetimeDays: '4000' },
      'maxKeyLifetimeDays',
      /from 1 to 3650/,
    ],
  ])('refuses %j naming the field', (patch, field, message) => {
    const state = { ...initialPlans(), plans: [plan(patch)] };
    const result = plansToConfig(state, 'v1');
    expect(result.valid).toBe(false);
    expect(result.plans).toBeUndefined();
    expect((result.errors.plans[0] as any)[field]).toMatch(message);
  });

  it('refuses a second plan of the same name on the second one', () => {
    const state = {
      ...initialPlans(),
      plans: [plan({ name: 'trial' }), plan({ name: 'trial' })],
    };
    const { errors } = plansToConfig(state, 'v1');
    expect(errors.plans).toEqual([
      {},
      { name: 'Another plan is already named trial' },
    ]);
  });

  it('reads a publication’s plans back into the form, the default plan’s settings apart', () => {
    const state = initialPlans({
      plans: [
        { name: 'default', approval: 'automatic', description: 'Try it' },
        {
          name: 'pro',
          approval: 'manual',
          rateLimits: { requestsPerMonth: 100 },
          maxKeyLifetimeDays: 90,
        },
      ],
    });
    expect(state.defaultPlan).toEqual({
      description: 'Try it',
      approval: 'automatic',
      maxKeyLifetimeDays: '',
    });
    expect(state.plans).toEqual([
      expect.objectContaining({
        name: 'pro',
        approval: 'manual',
        requestsPerMonth: '100',
        requestsPerMinute: '',
        maxKeyLifetimeDays: '90',
      }),
    ]);
    // Round trip: what was read is what is sent.
    expect(plansToConfig(state, 'v1').plans).toEqual([
      { name: 'default', approval: 'automatic', description: 'Try it' },
      {
        name: 'pro',
        approval: 'manual',
        rateLimits: { requestsPerMonth: 100 },
        maxKeyLifetimeDays: 90,
      },
    ]);
  });
});

describe('planSummary', () => {
  it('says what a key on the plan may do, the default plan’s limits filling the gaps', () => {
    expect(
      planSummary(
        {
          rateLimits: { requestsPerMonth: 1000000 },
          approval: 'automatic',
          maxKeyLifetimeDays: 7,
        },
        { requestsPerMinute: 60 },
      ),
    ).toEqual({
      limits: '60 requests/minute, 1,000,000 requests/month',
      approval: 'automatic (key at once)',
      lifetime: 'keys live at most 7 days',
    });
    expect(planSummary({})).toEqual({
      limits: 'no limit',
      approval: 'manual (owners approve)',
      lifetime: 'no lifetime limit',
    });
  });
});
