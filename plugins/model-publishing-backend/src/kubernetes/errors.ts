import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** The cluster refused or failed a call for a reason that is not the caller's input: HTTP 502. */
export class ClusterError extends CustomErrorBase {
  name = 'ClusterError' as const;
  readonly statusCode = 502;
}

/** A Kubernetes Status message from an ApiException body (a JSON string or object). */
function statusMessage(body: unknown): string | undefined {
  try {
    const parsed = typeof body === 'string' ? JSON.parse(body) : body;
    return typeof parsed?.message === 'string' ? parsed.message : undefined;
  } catch {
    return typeof body === 'string' && body.length < 500 ? body : undefined;
  }
}

/**
 * Maps @kubernetes/client-node errors to @backstage/errors, so route handlers and the error handler
 * speak one language: 404 → NotFoundError, 409 → ConflictError, 400/422 → InputError, timeouts → 503.
 */
export function mapClusterError(error: unknown, what: string, cluster: string): Error {
  const e = error as { code?: unknown; body?: unknown; name?: string; message?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new ServiceUnavailableError(`cluster '${cluster}' did not answer ${what} in time`);
  }
  if (typeof e?.code === 'number') {
    const message = `${what}: ${statusMessage(e.body) ?? `HTTP ${e.code}`}`;
    switch (e.code) {
      case 404:
        return new NotFoundError(message);
      case 409:
        return new ConflictError(message);
      case 400:
      case 422:
        return new InputError(message);
      case 429:
      case 503:
        return new ServiceUnavailableError(`cluster '${cluster}' is busy: ${message}`);
      default:
        // A cluster that fails (5xx) may answer on retry: 503 + Retry-After; other answers stay what they are.
        if (e.code >= 500) return new ServiceUnavailableError(`cluster '${cluster}' failed ${message}`);
        return new ClusterError(`cluster '${cluster}' failed ${message}`);
    }
  }
  if (error instanceof CustomErrorBase) return error;
  if (isUnreachable(error)) {
    return new ServiceUnavailableError(`cluster '${cluster}' is unreachable (${what}): ${e?.message ?? String(error)}`);
  }
  return new ClusterError(`cluster '${cluster}' failed ${what}: ${e?.message ?? String(error)}`);
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/** Connection refused, reset, DNS or socket failures, on the error or its cause (fetch wraps them). */
function isUnreachable(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown; type?: string } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
    if (e.type === 'system') return true;
    e = e.cause as typeof e;
  }
  return false;
}

export function isNotFound(error: unknown): boolean {
  return (error as Error)?.name === 'NotFoundError';
}

export function isConflict(error: unknown): boolean {
  return (error as Error)?.name === 'ConflictError';
}
