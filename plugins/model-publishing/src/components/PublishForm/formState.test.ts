import { highV1, lowOpenai, openaiHigh } from '../../__testUtils__/testUtils';
import {
  effectiveKind,
  fieldError,
  formToConfig,
  initialValues,
  kindOptions,
  limitWarnings,
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

  it("sends the owner's example request, checked for the model's kind in the form's words (issue 23 item 8)", () => {
    const example = { instances: [[0.2, 13.5, 1, 0, 42]] };
    const ok = formToConfig(
      { ...initialValues(), example: JSON.stringify(example) },
      { detection: highV1, mode: 'publish', now },
    );
    expect(ok.config?.example).toEqual(example);
    expect(
      formToConfig(
        { ...initialValues(), example: '{"instances": [' },
        { detection: highV1, mode: 'publish', now },
      ).errors.example,
    ).toMatch(/^The example must be JSON/);
    expect(
      formToConfig(
        { ...initialValues(), example: '{"inputs": []}' },
        { detection: highV1, mode: 'publish', now },
      ).errors.example,
    ).toMatch(/^The example\.instances: a v1 request needs/);
    // An update keeps the example the publication has.
    expect(
      formToConfig(initialValues({ rateLimits: {}, example }), {
        detection: highV1,
        mode: 'update',
        now,
      }).config?.example,
    ).toEqual(example);
  });

  it('drops token limits for non-LLM models but keeps their hostname', () => {
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
    expect(config?.hostname).toBe('x.example.com');
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

  it("says what is wrong in the form's words, not the API's field names", () => {
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
      'Requests per minute must be at least 1 (leave it empty for no limit)',
    );
    expect(errors.requestsPerDay).toBe(
      'Requests per day must be a whole number',
    );
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
    expect(errors.requestsPerHour).toBe('Requests per hour must be a number');
    expect(errors.hostname).toBe(
      'The hostname must be a lower-case DNS name such as models.example.com',
    );
    expect(errors.keyName).toBe(
      'The key name may contain letters, digits, spaces, dots, dashes and underscores',
    );
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

describe('fieldError (validation while typing)', () => {
  it('reports only the edited field', () => {
    const values = {
      ...initialValues(),
      requestsPerMinute: '-3',
      keyName: '!bad',
    };
    const options = { detection: highV1, mode: 'publish' as const };
    expect(fieldError(values, 'requestsPerMinute', options)).toBe(
      'Requests per minute must be at least 1 (leave it empty for no limit)',
    );
    expect(fieldError(values, 'hostname', options)).toBeUndefined();
    expect(
      fieldError(
        { ...values, requestsPerMinute: '' },
        'requestsPerMinute',
        options,
      ),
    ).toBeUndefined();
  });
});

describe('limitWarnings', () => {
  const none = {
    ...initialValues(),
    requestsPerMinute: '',
  };
  it('warns when no limit is set', () => {
    expect(limitWarnings(none, 'v1')).toEqual([
      'No limit is set: every key may send as many requests as the model can take.',
    ]);
    expect(limitWarnings(none, 'openai')).toEqual([
      'No limit is set: every key may send as many requests and tokens as the model can take.',
    ]);
  });

  it('a token limit alone is a limit for an LLM, not for a predictive model', () => {
    const tokensOnly = { ...none, tokensPerDay: '100000' };
    expect(limitWarnings(tokensOnly, 'openai')).toEqual([]);
    expect(limitWarnings(tokensOnly, 'v2')).toHaveLength(1);
  });

  it('warns when a shorter period allows more than a longer one', () => {
    expect(
      limitWarnings(
        {
          ...none,
          requestsPerMinute: '100',
          requestsPerHour: '50',
          requestsPerDay: '20000',
          tokensPerHour: '5000',
          tokensPerDay: '1000',
        },
        'openai',
      ),
    ).toEqual([
      '100 requests per minute is more than the 50 per hour: the per-hour limit is reached first, so the per-minute limit never applies.',
      '5,000 tokens per hour is more than the 1,000 per day: the per-day limit is reached first, so the per-hour limit never applies.',
    ]);
  });

  it('is quiet for consistent limits', () => {
    expect(
      limitWarnings(
        {
          ...none,
          requestsPerMinute: '60',
          requestsPerHour: '1000',
          requestsPerDay: '10000',
        },
        'v1',
      ),
    ).toEqual([]);
  });
});
