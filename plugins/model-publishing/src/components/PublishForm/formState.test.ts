import { highV1, lowOpenai, openaiHigh } from '../../__testUtils__/testUtils';
import {
  effectiveKind,
  formToConfig,
  initialValues,
  kindOptions,
  needsKindChoice,
} from './formState';

const now = new Date('2026-11-26T00:00:00Z');

describe('formToConfig', () => {
  it('builds a config with request limits and the first key', () => {
    const values = {
      ...initialValues(),
      requestsPerHour: '1000',
      keyName: 'ci',
    };
    expect(
      formToConfig(values, { detection: highV1, mode: 'publish', now }),
    ).toEqual({
      config: {
        rateLimits: { requestsPerMinute: 60, requestsPerHour: 1000 },
        firstKey: { name: 'ci' },
      },
      errors: {},
    });
  });

  it('drops token limits and hostname for non-LLM models', () => {
    const values = {
      ...initialValues(),
      tokensPerMinute: '5000',
      hostname: 'x.example.com',
    };
    const { config } = formToConfig(values, {
      detection: highV1,
      mode: 'publish',
      now,
    });
    expect(config?.rateLimits).toEqual({ requestsPerMinute: 60 });
    expect(config?.hostname).toBeUndefined();
  });

  it('keeps token limits and hostname for OpenAI-compatible models', () => {
    const values = {
      ...initialValues(),
      tokensPerMinute: '5000',
      hostname: 'llm.example.com',
    };
    const { config } = formToConfig(values, {
      detection: openaiHigh,
      mode: 'publish',
      now,
    });
    expect(config?.rateLimits.tokensPerMinute).toBe(5000);
    expect(config?.hostname).toBe('llm.example.com');
  });

  it("names the field with the common schema's message", () => {
    const values = {
      ...initialValues(),
      requestsPerMinute: '0',
      requestsPerDay: '1.5',
    };
    const { config, errors } = formToConfig(values, {
      detection: highV1,
      mode: 'publish',
      now,
    });
    expect(config).toBeUndefined();
    expect(errors.requestsPerMinute).toBe(
      'requestsPerMinute must be greater than 0',
    );
    expect(errors.requestsPerDay).toBe('requestsPerDay must be a whole number');
  });

  it('rejects non-numbers, bad hostnames and bad key names', () => {
    const values = {
      ...initialValues(),
      requestsPerHour: 'lots',
      hostname: 'Bad_Host',
      keyName: '-bad',
    };
    const { errors } = formToConfig(values, {
      detection: openaiHigh,
      mode: 'publish',
      now,
    });
    expect(errors.requestsPerHour).toBe('requestsPerHour must be a number');
    expect(errors.hostname).toMatch(/lower-case DNS name/);
    expect(errors.keyName).toMatch(/may contain letters/);
  });

  it('requires a kind when detection is unsure, and sends the choice', () => {
    const unsure = formToConfig(initialValues(), {
      detection: lowOpenai,
      mode: 'publish',
      now,
    });
    expect(unsure.errors.modelKind).toBe(
      'Choose the kind of API this model serves',
    );
    const chosen = formToConfig(
      { ...initialValues(), modelKind: 'v2' },
      { detection: lowOpenai, mode: 'publish', now },
    );
    expect(chosen.config?.modelKind).toBe('v2');
  });

  it('rejects an expiry in the past and converts a future date to ISO', () => {
    const past = formToConfig(
      { ...initialValues(), keyExpiresOn: '2026-01-01' },
      { detection: highV1, mode: 'publish', now },
    );
    expect(past.errors.keyExpiresOn).toBe(
      'The expiry date must be in the future',
    );
    const future = formToConfig(
      { ...initialValues(), keyExpiresOn: '2027-01-01' },
      { detection: highV1, mode: 'publish', now },
    );
    expect(future.config?.firstKey).toEqual({
      name: 'default',
      expiresAt: '2027-01-01T23:59:59.000Z',
    });
  });

  it('sends no first key on update', () => {
    const { config } = formToConfig(
      initialValues({ rateLimits: { requestsPerDay: 5 } }),
      {
        detection: highV1,
        mode: 'update',
        now,
      },
    );
    expect(config).toEqual({ rateLimits: { requestsPerDay: 5 } });
  });
});

describe('kind choice', () => {
  it('asks when confidence is low or kind unknown', () => {
    expect(needsKindChoice(highV1)).toBe(false);
    expect(needsKindChoice(lowOpenai)).toBe(true);
    expect(
      needsKindChoice({
        kind: 'unknown',
        confidence: 'high',
        reason: '',
        alternatives: [],
      }),
    ).toBe(true);
  });

  it('offers the detected kind first, then alternatives, or all three when nothing is known', () => {
    expect(kindOptions(lowOpenai)).toEqual(['openai', 'v1', 'v2']);
    expect(
      kindOptions({
        kind: 'unknown',
        confidence: 'low',
        reason: '',
        alternatives: ['v2'],
      }),
    ).toEqual(['v2']);
    expect(
      kindOptions({
        kind: 'unknown',
        confidence: 'low',
        reason: '',
        alternatives: [],
      }),
    ).toEqual(['openai', 'v1', 'v2']);
  });

  it('uses the detection only when sure', () => {
    expect(effectiveKind(highV1, '')).toBe('v1');
    expect(effectiveKind(lowOpenai, '')).toBeUndefined();
    expect(effectiveKind(lowOpenai, 'v1')).toBe('v1');
  });
});
