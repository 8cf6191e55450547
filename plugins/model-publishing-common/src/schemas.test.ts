import { describeZodError, publishConfigSchema } from './schemas';
import {
  modelPublishingManagePermissions,
  modelPublishingPermissions,
} from './permissions';

describe('publishConfigSchema', () => {
  it('accepts a full config and defaults missing limits to none', () => {
    expect(publishConfigSchema.parse({})).toEqual({ rateLimits: {} });
    const config = {
      rateLimits: { requestsPerMinute: 60, tokensPerDay: 100000 },
      firstKey: { name: 'checkout-app', expiresAt: '2027-01-01T00:00:00Z' },
      hostname: 'llama.models.example.com',
      modelKind: 'openai' as const,
    };
    expect(publishConfigSchema.parse(config)).toEqual(config);
  });

  it.each([
    [
      { rateLimits: { requestsPerMinute: -1 } },
      'rateLimits.requestsPerMinute: requestsPerMinute must be greater than 0',
    ],
    [
      { rateLimits: { requestsPerMinute: 1.5 } },
      'rateLimits.requestsPerMinute: requestsPerMinute must be a whole number',
    ],
    [
      { rateLimits: { requestsPerSecond: 1 } },
      'rateLimits: Unrecognized key: "requestsPerSecond"',
    ],
    [
      { hostname: 'Not A Host' },
      'hostname: hostname must be a lower-case DNS name such as models.example.com',
    ],
    [{ firstKey: { name: '' } }, 'firstKey.name: key name must not be empty'],
    [{ modelKind: 'grpc' }, 'modelKind:'],
  ])('names the bad field in %p', (input, message) => {
    const result = publishConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error ? describeZodError(result.error) : '').toContain(
      message,
    );
  });
});

describe('permissions', () => {
  it('are scoped to catalog entities with unique names, but costs.admin and key.leak-report (basic: not about one model)', () => {
    const names = modelPublishingPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(13);
    expect(
      modelPublishingPermissions
        .filter(p => p.type === 'basic')
        .map(p => p.name),
    ).toEqual([
      'model-publishing.costs.admin',
      'model-publishing.key.leak-report',
    ]);
    for (const p of modelPublishingPermissions.filter(
      q => q.type !== 'basic',
    )) {
      expect(p).toMatchObject({
        type: 'resource',
        resourceType: 'catalog-entity',
      });
    }
    expect(modelPublishingManagePermissions.map(p => p.name)).not.toContain(
      'model-publishing.usage.read',
    );
  });
});

describe('plans in the publish config', () => {
  it('accepts plans with month limits and fills approval with manual', () => {
    const parsed = publishConfigSchema.parse({
      rateLimits: { requestsPerMinute: 60 },
      plans: [
        {
          name: 'gold',
          rateLimits: { requestsPerMonth: 100000, tokensPerMonth: 5 },
        },
      ],
    });
    expect(parsed.plans).toEqual([
      {
        name: 'gold',
        rateLimits: { requestsPerMonth: 100000, tokensPerMonth: 5 },
        approval: 'manual',
      },
    ]);
  });

  it.each([
    [[{ name: 'a' }, { name: 'a' }], 'plans: plan names must be unique'],
    [
      [{ name: 'default', rateLimits: { requestsPerDay: 1 } }],
      "plans: the default plan's limits are the publication's rateLimits: set them there",
    ],
    [
      [{ name: 'Gold' }],
      'plans.0.name: plan name must be 1-40 lower-case letters, digits or dashes',
    ],
    [[{ name: 'a', approval: 'sometimes' }], 'plans.0.approval'],
  ])('refuses %j naming the field', (plans, message) => {
    const result = publishConfigSchema.safeParse({ rateLimits: {}, plans });
    expect(result.success).toBe(false);
    expect(describeZodError(result.error!)).toContain(message);
  });
});
