import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';

/**
 * Who besides signed-in users may call a route. Backstage's permission framework allows every
 * service principal without asking the portal policy, so a route accepts one only where this says so:
 * - `users`: users only; a service gets 403 whatever the policy would say;
 * - `readers`: users, and the services in `modelPublishing.serviceReaders` (default: the catalog
 *   module, which reads publications and guides as its own service to build API entities);
 * - `ingest`: only the services in `modelPublishing.usage.ingest.allowedSubjects`; users get 403.
 * - `signed`: no Backstage credentials at all (plugin.ts lets it in unauthenticated); the request's own
 *   signature is its authentication, checked by the handler, which never asks for credentials.
 * Plugins acting for a user (the scaffolder) call with the user's token, so they are users here.
 * (Consumers' routes live in router/access.ts; this is about principals.)
 */
export type ServiceAccess = 'users' | 'readers' | 'ingest' | 'signed';

/**
 * Every operation of openapi.yaml, `<METHOD> <path>` as the document writes it: the persona matrix test
 * (packages/backend/src/security) fails when the document has an operation this table does not.
 */
export const ROUTE_ACCESS: Readonly<Record<string, ServiceAccess>> = {
  'GET /publications': 'readers',
  'GET /{addressedBy}/{scope}/{namespace}/{name}': 'users',
  'POST /{addressedBy}/{scope}/{namespace}/{name}/publication/dry-run': 'users',
  'POST /{addressedBy}/{scope}/{namespace}/{name}/publication': 'users',
  'PUT /{addressedBy}/{scope}/{namespace}/{name}/publication': 'users',
  'DELETE /{addressedBy}/{scope}/{namespace}/{name}/publication': 'users',
  'POST /{addressedBy}/{scope}/{namespace}/{name}/publication/try-it': 'users',
  'GET /{addressedBy}/{scope}/{namespace}/{name}/publication/keys': 'users',
  'POST /{addressedBy}/{scope}/{namespace}/{name}/publication/keys': 'users',
  'POST /{addressedBy}/{scope}/{namespace}/{name}/publication/keys/{keyId}/rotate':
    'users',
  'PATCH /{addressedBy}/{scope}/{namespace}/{name}/publication/keys/{keyId}':
    'users',
  'DELETE /{addressedBy}/{scope}/{namespace}/{name}/publication/keys/{keyId}':
    'users',
  'GET /{addressedBy}/{scope}/{namespace}/{name}/publication/usage': 'users',
  'GET /{addressedBy}/{scope}/{namespace}/{name}/publication/usage.csv':
    'users',
  'GET /{addressedBy}/{scope}/{namespace}/{name}/publication/guide': 'readers',
  'GET /{addressedBy}/{scope}/{namespace}/{name}/audit': 'users',
  'GET /{addressedBy}/{scope}/{namespace}/{name}/publication/plans': 'users',
  'GET /{addressedBy}/{scope}/{namespace}/{name}/publication/access-requests':
    'users',
  'POST /{addressedBy}/{scope}/{namespace}/{name}/publication/access-requests':
    'users',
  'GET /{addressedBy}/{scope}/{namespace}/{name}/publication/consumers':
    'users',
  'POST /{addressedBy}/{scope}/{namespace}/{name}/publication/consumers/{keyId}/{action}':
    'users',
  'GET /{addressedBy}/{scope}/{namespace}/{name}/publication/my-access':
    'users',
  'GET /access/consumers': 'readers',
  'GET /access/mine': 'users',
  'GET /access/requests': 'users',
  'POST /access/requests/{requestId}/decision': 'users',
  'POST /access/requests/{requestId}/key': 'users',
  'DELETE /access/keys/{keyId}': 'users',
  'POST /access/keys/{keyId}/rotate': 'users',
  'GET /access/keys/{keyId}/usage': 'users',
  'GET /usage/summary': 'users',
  'GET /usage/chargeback': 'users',
  'GET /usage/chargeback.csv': 'users',
  'GET /usage/budgets': 'users',
  'PUT /usage/budgets': 'users',
  'DELETE /usage/budgets': 'users',
  'POST /usage/ingest': 'ingest',
  'POST /secret-scanning/github': 'signed',
  'POST /keys/leaked': 'users',
  'GET /{addressedBy}/{scope}/{namespace}/{name}/publication/deprecation':
    'users',
  'PUT /{addressedBy}/{scope}/{namespace}/{name}/publication/deprecation':
    'users',
  'DELETE /{addressedBy}/{scope}/{namespace}/{name}/publication/deprecation':
    'users',
};

/** `<METHOD> <path>` of an Express route path (`:param` → `{param}`), as ROUTE_ACCESS keys it. */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
}

export interface ServiceSubjects {
  /** Services that may call `readers` routes. */
  readers: readonly string[];
  /** Services that may call `ingest` routes. */
  ingest: readonly string[];
}

/**
 * Refuses the caller when the route's access does not admit its principal (403, before anything is
 * read). A route missing from the table admits users only.
 */
export function checkServiceAccess(
  key: string,
  credentials: BackstageCredentials,
  subjects: ServiceSubjects,
): void {
  const access = ROUTE_ACCESS[key] ?? 'users';
  const principal = credentials.principal as { type: string; subject?: string };
  if (access === 'ingest') {
    if (principal.type !== 'service') {
      throw new NotAllowedError(
        'usage ingest accepts service credentials only (see docs/usage.md)',
      );
    }
    if (!subjects.ingest.includes(principal.subject ?? '')) {
      throw new NotAllowedError(
        `service '${principal.subject}' may not ingest usage: it is not in modelPublishing.usage.ingest.allowedSubjects`,
      );
    }
    return;
  }
  if (principal.type !== 'service') return;
  if (
    access === 'readers' &&
    subjects.readers.includes(principal.subject ?? '')
  )
    return;
  throw new NotAllowedError(
    access === 'readers'
      ? `service '${principal.subject}' may not read this: it is not in modelPublishing.serviceReaders`
      : `${key} is for users; service '${principal.subject}' may not call it`,
  );
}
