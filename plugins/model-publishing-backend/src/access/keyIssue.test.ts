import { keyForRequest, keyLifetimeDays } from './keyIssue';

const NOW = new Date('2026-12-05T12:00:00.000Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const REQUEST = {
  id: '0123456789abcdef-rest-of-uuid',
  consumerRef: 'component:default/paul-app',
};

describe('keyLifetimeDays', () => {
  it('is the shorter of the plan maximum and the approver choice, or none', () => {
    expect(keyLifetimeDays({ maxKeyLifetimeDays: 30 }, 90)).toBe(30);
    expect(keyLifetimeDays({ maxKeyLifetimeDays: 365 }, 90)).toBe(90);
    expect(keyLifetimeDays({}, 7)).toBe(7);
    expect(keyLifetimeDays({ maxKeyLifetimeDays: 30 })).toBe(30);
    expect(keyLifetimeDays({})).toBeUndefined();
  });
});

describe('keyForRequest', () => {
  it("names the key after the consumer and the request, and gives a plan's key the plan's limits", () => {
    expect(
      keyForRequest(
        { ...REQUEST, keyLifetimeDays: 30 },
        { isDefault: false, rateLimits: { requestsPerDay: 100 } },
        NOW,
      ),
    ).toEqual({
      name: 'paul-app-01234567',
      expiresAt: new Date(NOW.getTime() + 30 * DAY_MS).toISOString(),
      rateLimits: { requestsPerDay: 100 },
    });
  });

  it("leaves the default plan's key to the publication's rules and without expiry when none was approved", () => {
    expect(
      keyForRequest(
        REQUEST,
        { isDefault: true, rateLimits: { requestsPerMinute: 60 } },
        NOW,
      ),
    ).toEqual({ name: 'paul-app-01234567' });
  });

  it('caps the lifetime by the caller when that is shorter, never longer', () => {
    const plan = { isDefault: true, rateLimits: {} };
    expect(
      keyForRequest({ ...REQUEST, keyLifetimeDays: 30 }, plan, NOW, 3_600_000)
        .expiresAt,
    ).toBe(new Date(NOW.getTime() + 3_600_000).toISOString());
    expect(
      keyForRequest({ ...REQUEST, keyLifetimeDays: 1 }, plan, NOW, 90 * DAY_MS)
        .expiresAt,
    ).toBe(new Date(NOW.getTime() + DAY_MS).toISOString());
    expect(keyForRequest(REQUEST, plan, NOW, 3_600_000).expiresAt).toBe(
      new Date(NOW.getTime() + 3_600_000).toISOString(),
    );
  });

  it('keeps the name within the 63 characters of a Kubernetes name', () => {
    const long = `component:default/${'x'.repeat(80)}`;
    const { name } = keyForRequest(
      { ...REQUEST, consumerRef: long },
      { isDefault: true, rateLimits: {} },
      NOW,
    );
    expect(name).toHaveLength(63);
  });
});
