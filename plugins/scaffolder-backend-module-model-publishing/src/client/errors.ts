import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** Anything shaped like an API key (design §4). Redacted from every message we log or throw. */
const KEY_PATTERN = /mpk_[A-Za-z0-9]+/g;

/**
 * Task logs and errors are stored, so nothing key-shaped may reach them — even if a backend message
 * were ever to quote one.
 */
export function redactKeys(text: string): string {
  return text.replace(KEY_PATTERN, 'mpk_[redacted]');
}

/** What the action was trying to do, phrased for "You are not allowed to <verb> <entity>". */
export type Operation = 'publish' | 'update' | 'unpublish' | 'read';

const verbs: Record<Operation, string> = {
  publish: 'publish',
  update: 'update the publication of',
  unpublish: 'unpublish',
  read: 'read the publication of',
};

/**
 * Turns a failed backend response into an error a template user can act on. Pure, so every status
 * is covered by a table test.
 */
export function toActionError(
  operation: Operation,
  entityRef: string,
  status: number,
  backendMessage: string | undefined,
): Error {
  const detail = redactKeys(backendMessage?.trim() || `HTTP ${status}`);
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
      return new ConflictError(
        operation === 'publish'
          ? `Cannot publish ${entityRef}, it conflicts with its current state (already published?): ${detail}`
          : `Cannot ${verb} ${entityRef}, it conflicts with its current state: ${detail}`,
      );
    default:
      if (status >= 500) {
        return new ServiceUnavailableError(
          `The model-publishing backend failed to ${verb} ${entityRef} (HTTP ${status}): ${detail}`,
        );
      }
      return new Error(
        `Could not ${verb} ${entityRef} (HTTP ${status}): ${detail}`,
      );
  }
}
