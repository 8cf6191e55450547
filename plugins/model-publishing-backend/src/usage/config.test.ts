import { ConfigReader } from '@backstage/config';
import { DEFAULT_PROMETHEUS_QUERIES, readUsageConfig } from './config';

const read = (usage: object) =>
  readUsageConfig(new ConfigReader({ modelPublishing: { usage } }));

describe('readUsageConfig', () => {
  it('takes each Prometheus query as configured, the rest from the defaults', () => {
    const config = read({
      prometheus: {
        url: 'http://prometheus:9090/',
        queries: { tokens: 'my_tokens', routes: 'my_routes' },
      },
    });
    expect(config.prometheus?.url).toBe('http://prometheus:9090');
    expect(config.prometheus?.queries).toEqual({
      ...DEFAULT_PROMETHEUS_QUERIES,
      tokens: 'my_tokens',
      routes: 'my_routes',
    });
    expect(
      read({ prometheus: { url: 'http://p' } }).prometheus?.queries,
    ).toEqual(DEFAULT_PROMETHEUS_QUERIES);
  });

  it('reads the quota and the prices that are set, and nothing when none is', () => {
    const config = read({
      publicationQuota: { requestsPerDay: 1000, tokensPerHour: 50 },
      prices: { inputTokensPerMillion: 0.5, requestsPerThousand: 0 },
    });
    expect(config.publicationQuota).toEqual({
      requestsPerDay: 1000,
      tokensPerHour: 50,
    });
    expect(config.prices).toEqual({
      inputTokensPerMillion: 0.5,
      requestsPerThousand: 0,
    });
    const none = read({ publicationQuota: {}, prices: {} });
    expect(none.publicationQuota).toBeUndefined();
    expect(none.prices).toBeUndefined();
  });

  it('names the field of a quota that is not above 0 or a negative price', () => {
    expect(() => read({ publicationQuota: { tokensPerDay: 0 } })).toThrow(
      'modelPublishing.usage.publicationQuota.tokensPerDay must be greater than 0',
    );
    expect(() => read({ prices: { outputTokensPerMillion: -1 } })).toThrow(
      'modelPublishing.usage.prices.outputTokensPerMillion must not be negative',
    );
  });
});
