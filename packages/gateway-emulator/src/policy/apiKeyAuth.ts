import { Headers, KubeObject, header } from '../types';

/** One `extractFrom` entry: exactly one of headers, params or cookies (CRD rule). */
export interface KeySource {
  headers?: string[];
  params?: string[];
  cookies?: string[];
}

/** A SecurityPolicy's apiKeyAuth, with its credential Secrets resolved. */
export interface ApiKeyAuthConfig {
  /** Key value → client id, over all credentialRefs. */
  clients: Map<string, string>;
  extractFrom: KeySource[];
  forwardClientIDHeader?: string;
  sanitize: boolean;
}

/**
 * Resolves apiKeyAuth from its Secrets. Envoy Gateway refuses the whole policy (and fails the route closed)
 * when a Secret is missing or two client ids share a key value; so does this, with the reason.
 */
export function resolveApiKeyAuth(
  policy: KubeObject,
  secrets: Map<string, KubeObject>,
): { config: ApiKeyAuthConfig } | { error: string } {
  const spec = policy.spec?.apiKeyAuth;
  const ns = policy.metadata.namespace ?? '';
  const clients = new Map<string, string>();
  for (const ref of spec?.credentialRefs ?? []) {
    const secret = secrets.get(`${ref.namespace ?? ns}/${ref.name}`);
    if (!secret) {
      return { error: `Secret ${ref.namespace ?? ns}/${ref.name} not found` };
    }
    for (const [clientId, b64] of Object.entries(secret.data ?? {})) {
      const key = Buffer.from(b64, 'base64').toString('utf8');
      if (clients.has(key)) {
        return {
          error: `client ids ${clients.get(key)} and ${clientId} have the same API key`,
        };
      }
      clients.set(key, clientId);
    }
  }
  return {
    config: {
      clients,
      extractFrom: spec?.extractFrom ?? [],
      forwardClientIDHeader: spec?.forwardClientIDHeader,
      sanitize: spec?.sanitize === true,
    },
  };
}

function cookie(headers: Headers, name: string): string | undefined {
  const raw = header(headers, 'cookie');
  if (!raw) return undefined;
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name)
      return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Envoy's api_key_auth drops a leading `Bearer ` from a header value before the lookup. */
const stripBearer = (v: string) => v.replace(/^Bearer\s+/i, '');

export type AuthOutcome =
  | { ok: true; clientId: string }
  | { ok: false; reason: 'missing' | 'invalid' };

/**
 * Finds the key: the first source (in `extractFrom` order, then name order) that has one is used,
 * whether or not it is valid — as Envoy does.
 */
export function authenticate(
  config: ApiKeyAuthConfig,
  headers: Headers,
  query: URLSearchParams,
): AuthOutcome {
  let found: string | undefined;
  for (const source of config.extractFrom) {
    for (const name of source.headers ?? []) {
      const v = header(headers, name);
      if (v) {
        found = stripBearer(v);
        break;
      }
    }
    for (const name of source.params ?? []) {
      if (found !== undefined) break;
      const v = query.get(name);
      if (v) found = v;
    }
    for (const name of source.cookies ?? []) {
      if (found !== undefined) break;
      const v = cookie(headers, name);
      if (v) found = v;
    }
    if (found !== undefined) break;
  }
  if (found === undefined) return { ok: false, reason: 'missing' };
  const clientId = config.clients.get(found);
  return clientId === undefined
    ? { ok: false, reason: 'invalid' }
    : { ok: true, clientId };
}

/** The upstream request's headers and query after auth: client id forwarded (overwriting), key removed if `sanitize`. */
export function upstreamAfterAuth(
  config: ApiKeyAuthConfig,
  clientId: string,
  headers: Headers,
  query: URLSearchParams,
): void {
  if (config.sanitize) {
    for (const source of config.extractFrom) {
      for (const name of source.headers ?? []) delete headers[name.toLowerCase()];
      for (const name of source.params ?? []) query.delete(name);
      if (source.cookies?.length) delete headers.cookie;
    }
  }
  if (config.forwardClientIDHeader) {
    headers[config.forwardClientIDHeader.toLowerCase()] = clientId;
  }
}
