import {
  ModelKindDetection,
  PublishConfig,
  PublishableModelKind,
  RateLimits,
  exampleProblem,
  publishConfigSchema,
} from '@model-publishing/plugin-model-publishing-common';

export const REQUEST_LIMIT_FIELDS = [
  'requestsPerMinute',
  'requestsPerHour',
  'requestsPerDay',
  'requestsPerMonth',
] as const;
export const TOKEN_LIMIT_FIELDS = [
  'tokensPerMinute',
  'tokensPerHour',
  'tokensPerDay',
  'tokensPerMonth',
] as const;
export type LimitField =
  | (typeof REQUEST_LIMIT_FIELDS)[number]
  | (typeof TOKEN_LIMIT_FIELDS)[number];

export const LIMIT_LABELS: Record<LimitField, string> = {
  requestsPerMinute: 'Requests per minute',
  requestsPerHour: 'Requests per hour',
  requestsPerDay: 'Requests per day',
  requestsPerMonth: 'Requests per month',
  tokensPerMinute: 'Tokens per minute',
  tokensPerHour: 'Tokens per hour',
  tokensPerDay: 'Tokens per day',
  tokensPerMonth: 'Tokens per month',
};

/** What the form holds: text as typed, so validation can name what is wrong. */
export interface PublishFormValues extends Record<LimitField, string> {
  modelKind: PublishableModelKind | '';
  keyName: string;
  /** `YYYY-MM-DD` from a date input, or empty for no expiry. */
  keyExpiresOn: string;
  hostname: string;
  description: string;
  /** The example request body as JSON text (PublishConfig.example), or empty. */
  example: string;
}

export type PublishFormField = keyof PublishFormValues;
export type PublishFormErrors = Partial<Record<PublishFormField, string>>;

const PUBLISHABLE: PublishableModelKind[] = ['openai', 'v1', 'v2'];

export function isPublishable(kind: string): kind is PublishableModelKind {
  return (PUBLISHABLE as string[]).includes(kind);
}

/** docs/design.md §3: low confidence or an unknown kind means the owner confirms or chooses. */
export function needsKindChoice(detection: ModelKindDetection): boolean {
  return detection.kind === 'unknown' || detection.confidence === 'low';
}

/** gRPC is refused until GRPCRoute support exists; everything else can be published. */
export function isRefusedKind(detection: ModelKindDetection): boolean {
  return detection.kind === 'grpc' && detection.alternatives.length === 0;
}

/** The kinds offered in the chooser: the detected one first, then the alternatives; all three if none. */
export function kindOptions(
  detection: ModelKindDetection,
): PublishableModelKind[] {
  const options: PublishableModelKind[] = [];
  if (isPublishable(detection.kind)) options.push(detection.kind);
  for (const alt of detection.alternatives)
    if (!options.includes(alt)) options.push(alt);
  return options.length > 0 ? options : [...PUBLISHABLE];
}

/** The kind the publication will have, given the detection and the owner's choice. */
export function effectiveKind(
  detection: ModelKindDetection,
  chosen: PublishableModelKind | '',
): PublishableModelKind | undefined {
  if (chosen) return chosen;
  if (!needsKindChoice(detection) && isPublishable(detection.kind))
    return detection.kind;
  return undefined;
}

export function initialValues(
  existing?: PublishConfig,
  defaultKeyName = 'default',
): PublishFormValues {
  const limits: RateLimits = existing?.rateLimits ?? { requestsPerMinute: 60 };
  const text = (n: number | undefined) => (n === undefined ? '' : String(n));
  return {
    modelKind: existing?.modelKind ?? '',
    requestsPerMinute: text(limits.requestsPerMinute),
    requestsPerHour: text(limits.requestsPerHour),
    requestsPerDay: text(limits.requestsPerDay),
    requestsPerMonth: text(limits.requestsPerMonth),
    tokensPerMinute: text(limits.tokensPerMinute),
    tokensPerHour: text(limits.tokensPerHour),
    tokensPerDay: text(limits.tokensPerDay),
    tokensPerMonth: text(limits.tokensPerMonth),
    keyName: existing ? '' : defaultKeyName,
    keyExpiresOn: '',
    hostname: existing?.hostname ?? '',
    description: existing?.description ?? '',
    example: existing?.example ? JSON.stringify(existing.example, null, 2) : '',
  };
}

const PATH_TO_FIELD: Record<string, PublishFormField> = {
  'firstKey.name': 'keyName',
  'firstKey.expiresAt': 'keyExpiresOn',
  firstKey: 'keyName',
  hostname: 'hostname',
  description: 'description',
  modelKind: 'modelKind',
  example: 'example',
};

function fieldForPath(path: PropertyKey[]): PublishFormField | undefined {
  if (path[0] === 'rateLimits' && typeof path[1] === 'string') {
    return path[1] as PublishFormField;
  }
  return PATH_TO_FIELD[path.map(String).join('.')];
}

/**
 * Turns the form into a PublishConfig, or field errors. Mirrors the backend: common's zod schema
 * decides validity (so messages match the backend's 400s), plus the rules the schema cannot know —
 * token limits and hostname only for OpenAI-compatible models, the kind must be chosen when unsure,
 * and an expiry must lie in the future.
 */
export function formToConfig(
  values: PublishFormValues,
  options: {
    detection: ModelKindDetection;
    mode: 'publish' | 'update';
    now?: Date;
  },
): { config?: PublishConfig; errors: PublishFormErrors } {
  const errors: PublishFormErrors = {};
  const kind = effectiveKind(options.detection, values.modelKind);
  if (!kind) errors.modelKind = 'Choose the kind of API this model serves';

  const fields: LimitField[] = [
    ...REQUEST_LIMIT_FIELDS,
    ...(kind === 'openai' ? TOKEN_LIMIT_FIELDS : []),
  ];
  const rateLimits: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field].trim();
    if (raw === '') continue;
    const problem = limitProblem(LIMIT_LABELS[field], raw);
    if (problem) errors[field] = problem;
    else rateLimits[field] = Number(raw);
  }

  const config: Record<string, unknown> = { rateLimits };
  if (options.mode === 'publish' && values.keyName.trim() !== '') {
    const firstKey: Record<string, string> = { name: values.keyName.trim() };
    if (values.keyExpiresOn) {
      const expires = new Date(`${values.keyExpiresOn}T23:59:59Z`);
      if (Number.isNaN(expires.getTime())) {
        errors.keyExpiresOn =
          'Enter a date, or leave it empty for a key that does not expire';
      } else if (expires.getTime() <= (options.now ?? new Date()).getTime()) {
        errors.keyExpiresOn = 'The expiry date must be in the future';
      } else {
        firstKey.expiresAt = expires.toISOString();
      }
    }
    config.firstKey = firstKey;
  }
  // Every kind may have a hostname of its own (an HTTPRoute's hostnames, an AIGatewayRoute's).
  if (options.mode === 'publish' && values.hostname.trim() !== '')
    config.hostname = values.hostname.trim();
  if (values.description.trim() !== '')
    config.description = values.description.trim();
  if (values.modelKind) config.modelKind = values.modelKind;
  if (values.example.trim() !== '') {
    let example: unknown;
    try {
      example = JSON.parse(values.example);
    } catch {
      errors.example =
        'The example must be JSON: a request body such as {"instances": [[…]]}';
    }
    if (!errors.example) {
      // The same check as the backend's, in the form's words (the field is the example itself).
      const problem = kind ? exampleProblem(kind, example) : undefined;
      if (problem)
        errors.example = inFormWords(
          problem.replace(/^example(\S*): /, 'The example$1: '),
        );
      else config.example = example;
    }
  }

  const parsed = publishConfigSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldForPath(issue.path);
      if (field && !errors[field]) errors[field] = inFormWords(issue.message);
    }
  }
  if (Object.keys(errors).length > 0) return { errors };
  return { config: config as unknown as PublishConfig, errors };
}

const MAX_LIMIT = 1_000_000_000;

/** What is wrong with a typed limit, in the form's words ("Requests per minute must be …"). */
export function limitProblem(label: string, raw: string): string | undefined {
  const number = Number(raw);
  if (!Number.isFinite(number)) return `${label} must be a number`;
  if (!Number.isInteger(number)) return `${label} must be a whole number`;
  if (number < 1)
    return `${label} must be at least 1 (leave it empty for no limit)`;
  if (number > MAX_LIMIT) return `${label} must be at most 1,000,000,000`;
  return undefined;
}

/** The schema's messages start with the API's field names; the form says what the person sees. */
export function inFormWords(message: string): string {
  const replaced = message
    .replace(/^key name /, 'The key name ')
    .replace(/^hostname /, 'The hostname ')
    .replace(/^description /, 'The description ')
    .replace(/^expiresAt .*/, 'Enter a date, or leave it empty');
  return replaced.charAt(0).toUpperCase() + replaced.slice(1);
}

/**
 * The form's errors for one field only, as the person types (the other fields keep what they show until
 * they are edited or the form is sent).
 */
export function fieldError(
  values: PublishFormValues,
  field: PublishFormField,
  options: { detection: ModelKindDetection; mode: 'publish' | 'update' },
): string | undefined {
  // An unchosen kind is not an error while the person is still typing elsewhere.
  if (field === 'modelKind') return undefined;
  return formToConfig(values, options).errors[field];
}

const PERIODS = [
  ['PerMinute', 'minute', 1],
  ['PerHour', 'hour', 60],
  ['PerDay', 'day', 1440],
  // Envoy Gateway's Month unit: the rate-limit service's 30-day window.
  ['PerMonth', 'month', 43200],
] as const;

/**
 * Warnings about limits that are valid but probably not meant (pure): no limit at all, or a shorter
 * period's limit above a longer period's (the longer one is reached first, so the shorter never applies).
 */
export function limitWarnings(
  values: Record<LimitField, string>,
  kind: PublishableModelKind | undefined,
): string[] {
  const warnings: string[] = [];
  const read = (field: LimitField) => {
    const raw = values[field].trim();
    const n = Number(raw);
    return raw !== '' && Number.isInteger(n) && n >= 1 ? n : undefined;
  };
  const families: ('requests' | 'tokens')[] =
    kind === 'openai' ? ['requests', 'tokens'] : ['requests'];
  const none = families.every(family =>
    PERIODS.every(([suffix]) => read(`${family}${suffix}`) === undefined),
  );
  if (none) {
    warnings.push(
      kind === 'openai'
        ? 'No limit is set: every key may send as many requests and tokens as the model can take.'
        : 'No limit is set: every key may send as many requests as the model can take.',
    );
    return warnings;
  }
  for (const family of families) {
    const noun = family === 'requests' ? 'requests' : 'tokens';
    for (let i = 0; i < PERIODS.length; i++) {
      for (let j = i + 1; j < PERIODS.length; j++) {
        const [shortSuffix, shortName] = PERIODS[i];
        const [longSuffix, longName] = PERIODS[j];
        const short = read(`${family}${shortSuffix}`);
        const long = read(`${family}${longSuffix}`);
        if (short !== undefined && long !== undefined && short > long) {
          warnings.push(
            `${short.toLocaleString(
              'en-US',
            )} ${noun} per ${shortName} is more than the ${long.toLocaleString(
              'en-US',
            )} per ${longName}: the per-${longName} limit is reached first, so the per-${shortName} limit never applies.`,
          );
        }
      }
    }
  }
  return warnings;
}
