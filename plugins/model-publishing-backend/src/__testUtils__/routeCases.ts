import { mockCredentials } from '@backstage/backend-test-utils';
import { NAMESPACE, type PluginHarness, startPluginHarness } from './harness';

export const auth = {
  Authorization: mockCredentials.user.header('user:default/alice'),
};
// Without any header the test backend's mock auth falls back to a default user; this is "no credentials".
export const noAuth = { Authorization: mockCredentials.none.header() };
export const API = '/api/model-publishing';
export const byModel = (name: string) =>
  `${API}/models/default/${NAMESPACE}/${name}`;
export const byEntity = (name: string) =>
  `${API}/entities/component/default/${name}`;

export type Method = 'get' | 'post' | 'put' | 'delete';
export interface RouteCase {
  route: string;
  method: Method;
  suffix: string;
  body?: unknown;
  /** A request that is invalid, and the field the 400 must name. */
  bad: {
    suffix?: string;
    query?: string;
    body?: unknown;
    field: string;
    byModelOnly?: boolean;
  };
}

export const validBody = { rateLimits: { requestsPerMinute: 60 } };
export const MODEL_ROUTES: RouteCase[] = [
  {
    route: 'GET model',
    method: 'get',
    suffix: '',
    bad: { field: 'name', byModelOnly: true },
  },
  {
    route: 'POST dry-run',
    method: 'post',
    suffix: '/publication/dry-run',
    body: validBody,
    bad: {
      body: { rateLimits: { requestsPerMinute: 0 } },
      field: 'requestsPerMinute',
    },
  },
  {
    route: 'POST publication',
    method: 'post',
    suffix: '/publication',
    body: validBody,
    bad: {
      body: { rateLimits: { requestsPerSecond: 5 } },
      field: 'requestsPerSecond',
    },
  },
  {
    route: 'PUT publication',
    method: 'put',
    suffix: '/publication',
    body: validBody,
    bad: { body: { hostname: 42 }, field: 'hostname' },
  },
  {
    route: 'DELETE publication',
    method: 'delete',
    suffix: '/publication',
    bad: { field: 'name', byModelOnly: true },
  },
  {
    route: 'GET guide',
    method: 'get',
    suffix: '/publication/guide',
    bad: { field: 'name', byModelOnly: true },
  },
  {
    route: 'GET audit',
    method: 'get',
    suffix: '/audit',
    bad: { query: '?limit=0', field: 'limit' },
  },
];

export function send(
  h: PluginHarness,
  method: Method,
  url: string,
  body?: unknown,
  headers: Record<string, string> = auth,
) {
  const req = h.request[method](url).set(headers);
  return body === undefined ? req : req.send(body as object);
}

/**
 * One plugin harness for the calling describe (started once), and before each test: the caller holds
 * the publication and audit permissions, and the emulator's request log is empty.
 */
export function useGuardedHarness(): PluginHarness {
  const h = {} as PluginHarness;
  beforeAll(async () => {
    Object.assign(h, await startPluginHarness());
  });
  afterAll(async () => {
    await h.stop?.();
  });
  beforeEach(() => {
    h.allowed.clear();
    [
      'publication.read',
      'publication.create',
      'publication.update',
      'publication.delete',
      'audit.read',
    ].forEach(p => h.allowed.add(`model-publishing.${p}`));
    h.emulator.requests.length = 0;
  });
  return h;
}
