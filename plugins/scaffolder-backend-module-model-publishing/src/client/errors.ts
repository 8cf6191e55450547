import {
  AuthenticationError,
  ConflictError,
  ForwardedError,
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** Anything shaped like an API key (docs/design.md §4). Redacted from every message we log or throw. */
const KEY_PATTERN = /mpk_[A-Za-z0-9]+/g;

/**
 * Task logs and errors are stored, so nothing key-shaped may reach them — even if a backend message
 * were ever to quote one.
 */
export function redactKeys(text: string): string {
  return text.replace(KEY_PATTERN, 'mpk_[redacted]');
}

/** What the action was trying to do, phrased for "You are not allowed to <verb> <entity>". */
export type Operation = 'publish' | 'update' | 'unpublish' | 'read' | 'request';

const verbs: Record<Operation, string> = {
  publish: 'publish',
  update: 'update the publication of',
  unpublish: 'unpublish',
  read: 'read the publication of',
  request: 'request access to',
};

/**
 * Where a request went, for an error message: the URL without any user:password part, since task
 * logs are stored and shown to every reader of the task.
 */
export function shownUrl(url: string): string {
  try {
    const shown = new URL(url);
    shown.username = '';
    shown.password = '';
    return shown.toString();
  } catch {
    return url;
  }
}

/** What the backend said about a failure besides its status, from its standard error body. */
export interface BackendFailure {
  /** The backend's message, or the start of a non-standard body. */
  message?: string;
  /** The backend's error name, e.g. `NotAllowedError`. */
  name?: string;
  /** The URL that was called. */
  url?: string;
}

/**
 * Turns a failed backend response into an error a template user can act on. Pure, so every status
 * is covered by a table test.
 */
export function toActionError(
  operation: Operation,
  entityRef: string,
  status: number,
  backend: BackendFailure = {},
): Error {
  const detail = redactKeys(backend.message?.trim() || `HTTP ${status}`);
  const verb = verbs[operation];
  switch (status) {
    case 400:
    case 422:
      return new InputError(
        `Invalid settings to ${verb} ${entityRef}: ${detail}`,
      );
    case 401:
      return new AuthenticationError(
        `Could not ${verb} ${entityRef}: your sign-in was not accepted by model-publishing: ${detail}`,
      );
    case 403:
      return new NotAllowedError(
        `You are not allowed to ${verb} ${entityRef}: ${detail}`,
      );
    case 404:
      return new NotFoundError(`Cannot ${verb} ${entityRef}: ${detail}`);
    case 409:
      // The backend's message says which state (already published, not Ready, an object in the way).
      return new ConflictError(
        `Cannot ${verb} ${entityRef}, it conflicts with its current state: ${detail}`,
      );
    default:
      if (status >= 500) {
        // The URL tells a 5xx of the backend itself from one of a proxy or gateway in front of it.
        return new ServiceUnavailableError(
          redactKeys(
            `The model-publishing backend${
              backend.url ? ` at ${shownUrl(backend.url)}` : ''
            } failed to ${verb} ${entityRef} (HTTP ${status}): ${detail}`,
          ),
        );
      }
      // A status this action gives no meaning to (a redirect, 405, 413, a proxy's 429, …): usually
      // a wrong URL or a version mismatch, so say which URL. The backend's own error is forwarded
      // (its name kept), redacted — ForwardedError appends the cause to the message as it is.
      return new ForwardedError(
        redactKeys(
          `Could not ${verb} ${entityRef}: the model-publishing backend answered HTTP ${status}${
            backend.url ? ` at ${shownUrl(backend.url)}` : ''
          }, which this action does not expect`,
        ),
        Object.assign(new Error(detail), {
          name: redactKeys(backend.name || 'Error'),
        }),
      );
  }
}

/**
 * The backend could not be reached at all (refused, DNS, TLS, timeout): most often discovery points
 * somewhere the backend is not. `reason` is the fetch failure; no cause is attached, because the
 * error base class would append it to the message unredacted.
 */
export function unreachableError(
  operation: Operation,
  entityRef: string,
  url: string,
  reason: unknown,
): ServiceUnavailableError {
  return new ServiceUnavailableError(
    redactKeys(
      `Could not reach the model-publishing backend at ${shownUrl(url)} to ${
        verbs[operation]
      } ${entityRef}: ${describeFetchFailure(
        reason,
      )}. Check that the backend is running and that discovery resolves the model-publishing plugin to it`,
    ),
  );
}

/**
 * The backend answered success with a body that is not JSON — typically an HTML page, when the URL
 * leads to the app or a proxy instead of the backend. The body itself is not quoted.
 */
export function unreadableResponseError(
  operation: Operation,
  entityRef: string,
  url: string,
  status: number,
  contentType: string | null,
): ServiceUnavailableError {
  return new ServiceUnavailableError(
    redactKeys(
      `The model-publishing backend at ${shownUrl(
        url,
      )} answered HTTP ${status} with a body that is not JSON (content-type ${
        contentType || 'not set'
      }) when asked to ${
        verbs[operation]
      } ${entityRef}. Check that discovery resolves the model-publishing plugin to the backend, not to the app or a proxy page`,
    ),
  );
}

/**
 * Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is in its cause.
 * Shape checks, not instanceof: fetch's errors may come from another realm (e.g. under Jest).
 */
function describeFetchFailure(reason: unknown): string {
  const text = (e: unknown) => (isError(e) ? e.message || e.name : String(e));
  const cause = isError(reason) ? reason.cause : undefined;
  return cause === undefined
    ? text(reason)
    : `${text(reason)} (${text(cause)})`;
}
