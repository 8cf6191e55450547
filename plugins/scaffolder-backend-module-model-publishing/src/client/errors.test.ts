import { redactKeys, toActionError } from './errors';

describe('toActionError', () => {
  it.each([
    [
      'publish',
      403,
      'not an owner',
      'NotAllowedError',
      'You are not allowed to publish component:default/iris: not an owner',
    ],
    [
      'update',
      403,
      'denied',
      'NotAllowedError',
      'You are not allowed to update the publication of component:default/iris: denied',
    ],
    [
      'unpublish',
      403,
      undefined,
      'NotAllowedError',
      'You are not allowed to unpublish component:default/iris: HTTP 403',
    ],
    [
      'publish',
      409,
      'already published',
      'ConflictError',
      'Cannot publish component:default/iris, it conflicts with its current state (already published?): already published',
    ],
    [
      'update',
      409,
      'busy',
      'ConflictError',
      'Cannot update the publication of component:default/iris, it conflicts with its current state: busy',
    ],
    [
      'publish',
      400,
      'rateLimits.requestsPerMinute: must be > 0',
      'InputError',
      'Invalid settings to publish component:default/iris: rateLimits.requestsPerMinute: must be > 0',
    ],
    [
      'publish',
      422,
      'modelKind: choose one',
      'InputError',
      'Invalid settings to publish component:default/iris: modelKind: choose one',
    ],
    [
      'read',
      404,
      'no entity',
      'NotFoundError',
      'Cannot read the publication of component:default/iris: no entity',
    ],
    [
      'publish',
      401,
      'expired',
      'AuthenticationError',
      'Could not publish component:default/iris: your sign-in was not accepted by model-publishing: expired',
    ],
    [
      'publish',
      503,
      'cluster down',
      'ServiceUnavailableError',
      'The model-publishing backend failed to publish component:default/iris (HTTP 503): cluster down',
    ],
    [
      'publish',
      418,
      'teapot',
      'Error',
      'Could not publish component:default/iris (HTTP 418): teapot',
    ],
  ] as const)('%s %d → %s', (operation, status, message, name, expected) => {
    const error = toActionError(
      operation,
      'component:default/iris',
      status,
      message,
    );
    expect(error.name).toBe(name);
    expect(error.message).toBe(expected);
  });
});

describe('redactKeys', () => {
  it('removes every key-shaped token and keeps the rest', () => {
    expect(redactKeys('a mpk_abc123 and mpk_XYZ, mpk_ alone')).toBe(
      'a mpk_[redacted] and mpk_[redacted], mpk_ alone',
    );
  });
});
