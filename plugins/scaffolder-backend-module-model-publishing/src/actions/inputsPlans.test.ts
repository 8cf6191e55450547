import { toPublishConfig } from './inputs';

describe('plans in the publish action', () => {
  it('passes plans to the publish config (dry run and publish alike), approval manual by default', () => {
    const config = toPublishConfig({
      rateLimits: { requestsPerMinute: 60 },
      plans: [
        {
          name: 'trial',
          approval: 'automatic',
          rateLimits: { requestsPerDay: 100 },
          maxKeyLifetimeDays: 30,
        },
        { name: 'production', rateLimits: { requestsPerMonth: 1000000 } },
      ],
    });
    expect(config.plans).toEqual([
      {
        name: 'trial',
        approval: 'automatic',
        rateLimits: { requestsPerDay: 100 },
        maxKeyLifetimeDays: 30,
      },
      {
        name: 'production',
        approval: 'manual',
        rateLimits: { requestsPerMonth: 1000000 },
      },
    ]);
  });

  it.each([
    [[{ name: 'Trial' }], /plans\.0\.name/],
    [[{ name: 'a' }, { name: 'a' }], /plan names must be unique/],
    [[{ name: 'a', approval: 'sometimes' }], /plans\.0\.approval/],
  ])('refuses %j naming the field', (plans, message) => {
    expect(() => toPublishConfig({ plans })).toThrow(message);
  });
});
