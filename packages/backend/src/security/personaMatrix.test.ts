import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  headers,
  INGEST_SUBJECT,
  OTHER_SERVICE_SUBJECT,
  startSecurityBackend,
  type SecurityBackend,
} from '../__testUtils__/securityBackend';

/**
 * Issue 14, finding 2 and the persona matrix: every operation of the plugin's OpenAPI document (read from
 * the document, so a new route fails this test until it is given a rule below) × every persona × both
 * address forms, through the real HTTP stack (catalog, permission framework with the portal policy).
 * A denied caller gets exactly 401 or 403; an admitted one anything but 401/403 (and never a 500).
 */
jest.setTimeout(600_000);

const API = '/api/model-publishing';
const DOC = parse(
  fs.readFileSync(
    path.join(
      path.dirname(
        require.resolve(
          '@model-publishing/plugin-model-publishing-backend/package.json',
        ),
      ),
      'src/schema/openapi.yaml',
    ),
    'utf8',
  ),
) as { paths: Record<string, Record<string, unknown>> };

type Persona =
  | 'owner'
  | 'other team'
  | 'admin'
  | 'no token'
  | 'forged token'
  | 'ingest service'
  | 'other service'
  | 'catalog service';

const PERSONAS: Record<Persona, () => Record<string, string>> = {
  owner: () => headers.user('user:default/grace'), // genai owns genai/qwen-chat
  'other team': () => headers.user('user:default/frank'), // fraud-detection
  admin: () => headers.user('user:default/alice'),
  'no token': () => headers.none(),
  'forged token': () => headers.forged(),
  'ingest service': () => headers.service(INGEST_SUBJECT),
  'other service': () => headers.service(OTHER_SERVICE_SUBJECT),
  'catalog service': () => headers.service('plugin:catalog'),
};
const USER_REF: Partial<Record<Persona, string>> = {
  owner: 'user:default/grace',
  'other team': 'user:default/frank',
  admin: 'user:default/alice',
};

/**
 * Which users an operation admits: any signed-in user, the model's owners (and admins), admins only,
 * the one who made the access request, or no user. `services`: which service principals it admits.
 */
type Users =
  | 'signed-in'
  | 'owners'
  | 'admins'
  | 'requester'
  | 'none'
  /** Only a GitHub-signed body is a credential (secret scanning): no token admits anyone. */
  | 'signature';
type Services = 'none' | 'catalog' | 'ingest';
interface Rule {
  users: Users;
  services: Services;
  body?: (persona: Persona) => unknown;
  /** Required query parameters (a request the document's validator would refuse proves nothing). */
  query?: string;
}

const M = '/{addressedBy}/{scope}/{namespace}/{name}';
const publishBody = () => ({ rateLimits: { requestsPerMinute: 120 } });
const RULES: Record<string, Rule> = {
  'GET /publications': { users: 'signed-in', services: 'catalog' },
  [`GET ${M}`]: { users: 'signed-in', services: 'none' },
  [`POST ${M}/publication/dry-run`]: {
    users: 'owners',
    services: 'none',
    body: publishBody,
  },
  [`POST ${M}/publication`]: {
    users: 'owners',
    services: 'none',
    body: publishBody,
  },
  [`PUT ${M}/publication`]: {
    users: 'owners',
    services: 'none',
    body: publishBody,
  },
  [`DELETE ${M}/publication`]: { users: 'owners', services: 'none' },
  [`POST ${M}/publication/try-it`]: {
    users: 'owners',
    services: 'none',
    body: () => ({ keyId: '{keyId}', method: 'GET', path: '/v1/models' }),
  },
  [`GET ${M}/publication/keys`]: { users: 'owners', services: 'none' },
  [`POST ${M}/publication/keys`]: {
    users: 'owners',
    services: 'none',
    body: () => ({ name: 'matrix' }),
  },
  [`POST ${M}/publication/keys/{keyId}/rotate`]: {
    users: 'owners',
    services: 'none',
    body: () => ({ gracePeriodHours: 1 }),
  },
  [`PATCH ${M}/publication/keys/{keyId}`]: {
    users: 'owners',
    services: 'none',
    body: () => ({ description: 'changed by the persona matrix' }),
  },
  [`DELETE ${M}/publication/keys/{keyId}`]: {
    users: 'owners',
    services: 'none',
  },
  [`GET ${M}/publication/usage`]: { users: 'owners', services: 'none' },
  [`GET ${M}/publication/usage.csv`]: { users: 'owners', services: 'none' },
  [`GET ${M}/publication/guide`]: { users: 'signed-in', services: 'catalog' },
  [`GET ${M}/audit`]: { users: 'owners', services: 'none' },
  [`GET ${M}/publication/plans`]: { users: 'signed-in', services: 'none' },
  [`POST ${M}/publication/access-requests`]: {
    users: 'signed-in',
    services: 'none',
    body: persona => ({
      plan: 'default',
      purpose: 'the persona matrix asks for access',
      consumer: USER_REF[persona] ?? 'user:default/frank',
    }),
  },
  [`GET ${M}/publication/access-requests`]: {
    users: 'owners',
    services: 'none',
  },
  [`GET ${M}/publication/consumers`]: { users: 'owners', services: 'none' },
  [`POST ${M}/publication/consumers/{keyId}/{action}`]: {
    users: 'owners',
    services: 'none',
  },
  [`GET ${M}/publication/my-access`]: { users: 'signed-in', services: 'none' },
  'GET /access/mine': { users: 'signed-in', services: 'none' },
  'GET /access/consumers': { users: 'signed-in', services: 'catalog' },
  'GET /access/requests': { users: 'signed-in', services: 'none' },
  'POST /access/requests/{requestId}/decision': {
    users: 'owners',
    services: 'none',
    body: () => ({ decision: 'approve' }),
  },
  'POST /access/requests/{requestId}/key': {
    users: 'requester',
    services: 'none',
  },
  'GET /usage/summary': { users: 'signed-in', services: 'none' },
  'GET /usage/chargeback': {
    users: 'signed-in',
    services: 'none',
    query: 'month=2026-12',
  },
  'GET /usage/chargeback.csv': {
    users: 'signed-in',
    services: 'none',
    query: 'month=2026-12',
  },
  'GET /usage/budgets': { users: 'signed-in', services: 'none' },
  'PUT /usage/budgets': {
    users: 'admins',
    services: 'none',
    body: () => ({ consumerRef: 'group:default/genai', monthlyAmount: 100 }),
  },
  // an admin is answered 204 or 404 (no budget left to remove), never 401/403
  'DELETE /usage/budgets': {
    users: 'admins',
    services: 'none',
    query: `consumerRef=${encodeURIComponent('group:default/genai')}`,
  },
  'POST /usage/ingest': {
    users: 'none',
    services: 'ingest',
    body: () => ({ records: [] }),
  },
  // A consumer's own keys (issue 15). The matrix's key is the owner's, held by no consumer: every user
  // is answered 404 and no service is let in; who holds a key is tested in router/access.test.ts.
  'DELETE /access/keys/{keyId}': { users: 'signed-in', services: 'none' },
  'POST /access/keys/{keyId}/rotate': {
    users: 'signed-in',
    services: 'none',
    body: () => ({ gracePeriodHours: 1 }),
  },
  'GET /access/keys/{keyId}/usage': { users: 'signed-in', services: 'none' },
  // Leaked keys (issue 21): GitHub's partner endpoint and the admins' report by hand.
  'POST /secret-scanning/github': {
    users: 'signature',
    services: 'none',
    body: () => [
      { token: 'mpk_not_a_key', type: 'model_publishing_key', url: 'x' },
    ],
  },
  'POST /keys/leaked': {
    users: 'admins',
    services: 'none',
    body: () => ({ token: 'mpk_not_a_key' }),
  },
  // Deprecation (issue 21).
  [`GET ${M}/publication/deprecation`]: {
    users: 'signed-in',
    services: 'none',
  },
  [`PUT ${M}/publication/deprecation`]: {
    users: 'owners',
    services: 'none',
    body: () => ({
      sunsetAt: '2030-01-01T00:00:00Z',
      atSunset: 'stop-new-keys',
    }),
  },
  [`DELETE ${M}/publication/deprecation`]: {
    users: 'owners',
    services: 'none',
  },
};

/** The expected answer class of `persona` calling an operation with `rule`. */
function expected(
  rule: Rule,
  persona: Persona,
): 'admitted' | 401 | 403 | 'unsigned' {
  // No token of any kind is a credential there: 401 unsigned, or 404 when the endpoint is off.
  if (rule.users === 'signature') return 'unsigned';
  switch (persona) {
    case 'no token':
    case 'forged token':
      return 401;
    case 'ingest service':
      return rule.services === 'ingest' ? 'admitted' : 403;
    case 'catalog service':
      return rule.services === 'catalog' ? 'admitted' : 403;
    case 'other service':
      return 403;
    case 'owner':
      return rule.users === 'signed-in' || rule.users === 'owners'
        ? 'admitted'
        : 403;
    case 'other team': // the one who made the access request
      return rule.users === 'signed-in' || rule.users === 'requester'
        ? 'admitted'
        : 403;
    case 'admin':
      return ['signed-in', 'owners', 'admins'].includes(rule.users)
        ? 'admitted'
        : 403;
    default:
      throw new Error(`unknown persona ${persona satisfies never}`);
  }
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;
type Method = (typeof METHODS)[number];
const operations = Object.entries(DOC.paths).flatMap(([p, item]) =>
  Object.keys(item)
    .filter((m): m is Method => (METHODS as readonly string[]).includes(m))
    .map(method => ({ method, path: p, key: `${method.toUpperCase()} ${p}` })),
);
// Destructive operations last, so every other one meets a published model with a live key.
const LAST = [
  `DELETE ${M}/publication/keys/{keyId}`,
  `DELETE ${M}/publication`,
];
const ordered = [
  ...operations.filter(o => !LAST.includes(o.key)),
  ...LAST.map(k => operations.find(o => o.key === k)!).filter(Boolean),
];

const FORMS = { models: 'models/local', entities: 'entities/component' };

describe('persona matrix: every operation of openapi.yaml × every persona × both address forms', () => {
  let b: SecurityBackend;
  const ids = { keyId: '', requestId: '' };

  beforeAll(async () => {
    b = await startSecurityBackend();
    await b.waitFor(async () => {
      const res = await b.request
        .get('/api/catalog/entities/by-name/component/default/qwen-chat')
        .set(PERSONAS.owner());
      return res.status === 200 ? true : undefined;
    });
    const published = await b.request
      .post(`${API}/models/local/genai/qwen-chat/publication`)
      .set(PERSONAS.owner())
      .send({
        rateLimits: { requestsPerMinute: 60 },
        firstKey: { name: 'owner-key' },
      });
    if (published.status !== 201)
      throw new Error(
        `publish: ${published.status} ${JSON.stringify(published.body)}`,
      );
    const keys = await b.request
      .get(`${API}/models/local/genai/qwen-chat/publication/keys`)
      .set(PERSONAS.owner());
    ids.keyId = keys.body.items[0].id;
    const asked = await b.request
      .post(`${API}/models/local/genai/qwen-chat/publication/access-requests`)
      .set(PERSONAS['other team']())
      .send({
        plan: 'default',
        purpose: 'a request for the matrix to decide',
        consumer: 'user:default/frank',
      });
    if (asked.status !== 201)
      throw new Error(
        `access request: ${asked.status} ${JSON.stringify(asked.body)}`,
      );
    ids.requestId = asked.body.request.id;
  });
  afterAll(async () => {
    await b?.stop();
  });

  it('has a rule for every operation of the document, and no rule for an operation it lacks', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(Object.keys(RULES).sort()).toEqual(
      operations.map(o => o.key).sort(),
    );
  });

  it('answers a service that is not let in the same on every model route whether the model exists or not (no existence leak)', async () => {
    const differences: string[] = [];
    const services: Persona[] = [
      'other service',
      'ingest service',
      'catalog service',
    ];
    for (const { method, path: template, key } of operations.filter(o =>
      o.path.startsWith(M),
    )) {
      for (const persona of services) {
        if (expected(RULES[key], persona) !== 403) continue;
        for (const form of Object.values(FORMS)) {
          const answers = [];
          for (const name of ['qwen-chat', 'no-such-model']) {
            const url =
              API +
              template
                .replace('/{addressedBy}/{scope}', `/${form}`)
                .replace(
                  '{namespace}',
                  form === FORMS.entities ? 'default' : 'genai',
                )
                .replace('{name}', name)
                .replace('{keyId}', ids.keyId || 'k')
                .replace('{action}', 'suspend');
            const body = RULES[key].body?.(persona);
            const res = await b.request[method](url)
              .set(PERSONAS[persona]())
              .send(
                body === undefined
                  ? {}
                  : JSON.parse(
                      JSON.stringify(body).replace('{keyId}', ids.keyId),
                    ),
              );
            answers.push(
              `${res.status} ${JSON.stringify(
                (res.body?.error?.message ?? '').replace(name, '<name>'),
              )}`,
            );
          }
          if (answers[0] !== answers[1] || !answers[0].startsWith('403'))
            differences.push(
              `${persona} ${key} (${form}): ${answers.join(' vs ')}`,
            );
        }
      }
    }
    expect(differences).toEqual([]);
  });

  it.each(ordered)('$key', async ({ method, path: template, key }) => {
    const rule = RULES[key];
    expect(rule).toBeDefined();
    const forms = template.startsWith(M) ? Object.values(FORMS) : [undefined];
    const mismatches: string[] = [];
    // Denied personas first: an admitted one may change the state (unpublish, revoke).
    const personas = (Object.keys(PERSONAS) as Persona[]).sort(
      (x, y) =>
        Number(expected(rule, x) === 'admitted') -
        Number(expected(rule, y) === 'admitted'),
    );
    for (const form of forms) {
      for (const persona of personas) {
        const url =
          API +
          template
            .replace('/{addressedBy}/{scope}', form ? `/${form}` : '')
            .replace(
              '{namespace}',
              form === FORMS.entities ? 'default' : 'genai',
            )
            .replace('{name}', 'qwen-chat')
            .replace('{keyId}', ids.keyId)
            .replace('{action}', 'suspend')
            .replace('{requestId}', ids.requestId) +
          (rule.query ? `?${rule.query}` : '');
        const body = rule.body?.(persona);
        const req = b.request[method](url).set(PERSONAS[persona]());
        const res = await (body === undefined
          ? req
          : req.send(
              JSON.parse(JSON.stringify(body).replace('{keyId}', ids.keyId)),
            ));
        const want = expected(rule, persona);
        let ok: boolean;
        if (want === 'admitted') ok = ![401, 403, 500].includes(res.status);
        else if (want === 'unsigned') ok = [401, 404].includes(res.status);
        else ok = res.status === want;
        if (!ok) {
          mismatches.push(
            `${persona} ${method.toUpperCase()} ${url}: ${
              res.status
            } (want ${want}) ${JSON.stringify(res.body?.error?.message ?? '')}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
