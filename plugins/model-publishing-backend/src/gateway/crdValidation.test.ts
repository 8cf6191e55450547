import {
  createSchemaValidator,
  loadCrdMatrix,
} from '@model-publishing/kube-emulator';
import * as isvcs from '../models/__testUtils__/inferenceServices';
import { buildPublicationObjects } from './buildPublicationObjects';
import {
  gateway,
  hfInput,
  input,
  testKey,
  v1Input,
  v2Input,
  vllmInput,
} from './__testUtils__/inputs';
import type { BuildInput, KubeObject } from './types';
import {
  llmWithScheduler,
  plainFacts,
  serverlessDefaultConfig,
  serverlessSklearn,
  serverlessVllmByDefault,
  tlsFacts,
} from './__testUtils__/kserveModes';

/** An object as any client could send it: loose, so tests can read deep and write invalid values. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ClientObject = KubeObject<any>;

// One validator per row of the support matrix (README "Support matrix"): every generated object must
// pass the CRDs of every supported version. Compiling the large CRD schemas is the slow part.
const rows = loadCrdMatrix().map(r => ({
  id: r.id,
  validator: createSchemaValidator(r.crds),
}));
const validator = rows[0].validator;

function expectValid(o: KubeObject) {
  for (const row of rows) {
    const result = row.validator.validate(o);
    // Field errors in the failure message make a schema mismatch obvious.
    expect({
      row: row.id,
      kind: o.kind,
      name: o.metadata.name,
      errors: result.errors,
    }).toEqual({
      row: row.id,
      kind: o.kind,
      name: o.metadata.name,
      errors: [],
    });
    expect(result.valid).toBe(true);
  }
}

const DEPRECATION_HEADERS = [
  { name: 'Deprecation', value: '@1796083200' },
  { name: 'Sunset', value: 'Sat, 01 Jan 2028 00:00:00 GMT' },
  {
    name: 'Link',
    value: '<https://models.example.com/v2>; rel="successor-version"',
  },
];

const cases: [string, () => BuildInput][] = [
  ['v1 (sklearn)', v1Input],
  ['v2 (xgboost)', v2Input],
  ['openai (vLLM, request + token limits)', vllmInput],
  [
    'openai (huggingface, config.hostname)',
    () => ({
      ...hfInput(),
      config: { ...hfInput().config, hostname: 'llama.example.com' },
    }),
  ],
  [
    'v1 behind a transformer, no limits, no keys',
    () =>
      input(isvcs.transformerSklearn, { keys: [], config: { rateLimits: {} } }),
  ],
  [
    'openai, per-key overrides with exclusions',
    () => ({
      ...vllmInput(),
      keys: [
        testKey(1),
        {
          ...testKey(2),
          rateLimits: { requestsPerMinute: 5, tokensPerDay: 1000 },
        },
        { ...testKey(3), rateLimits: { requestsPerDay: 9 } },
      ],
    }),
  ],
  [
    'v2, local rate limiting',
    () => ({
      ...v2Input(),
      gateway: { ...gateway, rateLimitMode: 'local' as const },
    }),
  ],
  [
    'openai, Gateway without sectionName',
    () => ({ ...vllmInput(), gateway: { ...gateway, sectionName: undefined } }),
  ],
  ['openai, LLMInferenceService', () => input(isvcs.llmInferenceService)],
  [
    'v1, deprecated (ResponseHeaderModifier)',
    () => ({ ...v1Input(), responseHeaders: DEPRECATION_HEADERS }),
  ],
  [
    'openai, deprecated (EnvoyExtensionPolicy with the Lua filter)',
    () => ({ ...vllmInput(), responseHeaders: DEPRECATION_HEADERS }),
  ],
  [
    'LLMInferenceService with a scheduler and TLS (Backend TLS with KServe CA)',
    () => ({ ...input(llmWithScheduler()), serving: tlsFacts() }),
  ],
  [
    'LLMInferenceService with a scheduler, plain HTTP (InferencePool backendRef)',
    () => ({ ...input(llmWithScheduler()), serving: plainFacts() }),
  ],
  [
    'Serverless-mode predictor (Backend + Host rewrite)',
    () => input(serverlessSklearn()),
  ],
  [
    'Serverless by the cluster default, vLLM',
    () => ({
      ...input(serverlessVllmByDefault()),
      serving: serverlessDefaultConfig(),
    }),
  ],
];

describe('every builder output passes the real upstream CRD schema', () => {
  it.each(cases)('%s', (_c, make) => {
    const objects = buildPublicationObjects(make());
    expect(objects.length).toBeGreaterThanOrEqual(4);
    for (const o of objects) expectValid(o);
  });

  it('the header maximum (63 exclusions + Distinct) is what every row allows', () => {
    const keys = Array.from({ length: 63 }, (_, i) => ({
      ...testKey(i),
      rateLimits: {
        requestsPerMinute: 5,
        requestsPerHour: 50,
        requestsPerDay: 500,
      },
    }));
    const built = input(isvcs.sklearnV1, {
      keys,
      config: {
        rateLimits: {
          requestsPerMinute: 1,
          requestsPerHour: 2,
          requestsPerDay: 3,
        },
      },
    });
    const btp = buildPublicationObjects(built).find(
      o => o.kind === 'BackendTrafficPolicy',
    )! as ClientObject;
    expect(btp.spec.rateLimit.global.rules).toHaveLength(63 * 3 + 3);
    expect(
      btp.spec.rateLimit.global.rules.at(-1).clientSelectors[0].headers,
    ).toHaveLength(64);
    expectValid(btp);
    // One more key with its own limits is refused before anything is built.
    expect(() =>
      buildPublicationObjects({
        ...built,
        keys: [...keys, { ...testKey(63), rateLimits: { requestsPerDay: 1 } }],
      }),
    ).toThrow(/at most 63 keys can have their own rate limits/);
  });

  it('close to the 256-rule maximum is what every row allows', () => {
    const all = {
      requestsPerMinute: 5,
      requestsPerHour: 50,
      requestsPerDay: 500,
      tokensPerMinute: 1,
      tokensPerHour: 2,
      tokensPerDay: 3,
    };
    const built = {
      ...vllmInput(),
      keys: Array.from({ length: 41 }, (_, i) => ({
        ...testKey(i),
        rateLimits: all,
      })),
      config: { rateLimits: all },
    };
    const btp = buildPublicationObjects(built).find(
      o => o.kind === 'BackendTrafficPolicy',
    )! as ClientObject;
    expect(btp.spec.rateLimit.global.rules).toHaveLength(41 * 6 + 6);
    expectValid(btp);
  });

  it('the validator does reject what the gateway would (so the checks above can fail)', () => {
    const objects = buildPublicationObjects(vllmInput());
    // Deliberately invalid values below: the object as any client could send it.
    const byKind = (kind: string) =>
      objects.find(o => o.kind === kind)! as ClientObject;
    const btp = structuredClone(byKind('BackendTrafficPolicy'));
    btp.spec.rateLimit.global.rules[0].limit.unit = 'Fortnight';
    expect(validator.validate(btp).valid).toBe(false);
    // Local rules may not charge response costs (a CEL rule of the CRD).
    const local = structuredClone(btp);
    local.spec.rateLimit = {
      local: {
        rules: [
          structuredClone(
            byKind('BackendTrafficPolicy').spec.rateLimit.global.rules[1],
          ),
        ],
      },
    };
    const localResult = validator.validate(local);
    expect(localResult.valid).toBe(false);
    expect(localResult.errors.map(e => e.message).join(' ')).toMatch(
      /response cost is not supported for Local Rate Limits/,
    );
    const sp = structuredClone(byKind('SecurityPolicy'));
    sp.spec.apiKeyAuth.extractFrom = [
      { headers: ['authorization'], params: ['key'] },
    ];
    expect(
      validator
        .validate(sp)
        .errors.map(e => e.message)
        .join(' '),
    ).toMatch(/exactly one of headers, params, or cookies/);
    const asb = structuredClone(
      objects.find(o => o.kind === 'AIServiceBackend')!,
    );
    asb.spec.backendRef = { name: 'x-predictor', port: 80 };
    expect(validator.validate(asb).valid).toBe(false);
  });
});
