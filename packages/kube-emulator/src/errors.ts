import type { FieldError } from './validation/fieldPath';

/** A metav1.Status failure, thrown by handlers and written as the response body. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: { reason: string; message: string; field?: string }[]; retryAfterSeconds?: number },
  ) {
    super(message);
  }

  toStatus() {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** The resource a request is about, for error details (`kind` is the plural, as the API server reports it). */
export interface ResourceRef {
  group: string;
  plural: string;
  name?: string;
}

function qualified(r: ResourceRef): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

export const notFound = (r: ResourceRef) =>
  new StatusError(404, 'NotFound', `${qualified(r)} "${r.name}" not found`, { name: r.name, group: r.group || undefined, kind: r.plural });

export const alreadyExists = (r: ResourceRef) =>
  new StatusError(409, 'AlreadyExists', `${qualified(r)} "${r.name}" already exists`, { name: r.name, group: r.group || undefined, kind: r.plural });

export const conflict = (r: ResourceRef, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
  new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${r.name}": ${why}`, {
    name: r.name,
    group: r.group || undefined,
    kind: r.plural,
  });

export const badRequest = (message: string) => new StatusError(400, 'BadRequest', message);

export const gone = (message: string) => new StatusError(410, 'Expired', message);

export const methodNotAllowed = (message = 'the server does not allow this method on the requested resource') =>
  new StatusError(405, 'MethodNotAllowed', message);

export const unsupportedMediaType = (type: string) =>
  new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${type})`);

/** 422 Invalid, with one cause per field error, worded like the API server. */
export function invalid(kind: string, r: ResourceRef, errors: FieldError[]): StatusError {
  const parts = errors.map(e => (e.field ? `${e.field}: ${e.message}` : e.message));
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const what = r.group ? `${kind}.${r.group}` : kind;
  return new StatusError(422, 'Invalid', `${what} "${r.name ?? ''}" is invalid: ${summary}`, {
    name: r.name,
    group: r.group || undefined,
    kind,
    causes: errors.map(e => ({ reason: e.reason, message: e.message, field: e.field })),
  });
}
