import { keyLimits } from './directory';

describe('keyLimits', () => {
  // The gateway's rules for a key with limits of its own are the publication's limits overridden window
  // by window (gateway/backendTrafficPolicy.ts: `{ ...base, ...group.rateLimits }`; see the
  // 'keys with their own limits get Exact rules' case in buildPublicationObjects.test.ts): usage alerts
  // and limit notices must judge the key by the same windows.
  it("keeps the publication's other windows for a key with limits of its own", () => {
    expect(
      keyLimits(
        { requestsPerMinute: 60, tokensPerHour: 100000 },
        { requestsPerMinute: 600 },
      ),
    ).toEqual({ requestsPerMinute: 600, tokensPerHour: 100000 });
  });

  it("is the publication's limits for a key without its own, and ignores unset windows", () => {
    expect(keyLimits({ requestsPerDay: 1000 }, undefined)).toEqual({
      requestsPerDay: 1000,
    });
    expect(
      keyLimits({ requestsPerDay: 1000 }, { requestsPerMinute: undefined }),
    ).toEqual({
      requestsPerDay: 1000,
    });
  });
});
