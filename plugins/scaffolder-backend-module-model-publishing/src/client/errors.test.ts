import { ForwardedError, ServiceUnavailableError } from '@backstage/errors';
import {
  redactKeys,
  shownUrl,
  toActionError,
  unreachableError,
  unreadableResponseError,
} from './errors';

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
      'Cannot publish component:default/iris, it conflicts with its current state: already published',
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
  ] as const)('%s %d → %s', (operation, status, message, name, expected) => {
    const error = toActionError(operation, 'component:default/iris', status, {
      message,
    });
    expect(error.name).toBe(name);
    expect(error.message).toBe(expected);
  });

  const URL_ =
    'http://localhost:7007/api/model-publishing/entities/component/default/iris/publication';

  it('forwards a status it does not handle with the URL, the status and the backend error', () => {
    const error = toActionError('publish', 'component:default/iris', 429, {
      message: 'slow down',
      name: 'TooManyRequestsError',
      url: URL_,
    });
    expect(error).toBeInstanceOf(ForwardedError);
    // The backend's error name is kept, so a template author sees what the backend said.
    expect(error.name).toBe('TooManyRequestsError');
    expect(error.message).toBe(
      `Could not publish component:default/iris: the model-publishing backend answered HTTP 429 at ${URL_}, which this action does not expect; caused by TooManyRequestsError: slow down`,
    );
  });

  it('names the URL, without credentials, the status and the backend error on a 5xx', () => {
    const error = toActionError('update', 'component:default/iris', 502, {
      message: 'upstream mpk_abc123 gone',
      name: 'Error',
      url: 'https://svc:secret@mp.internal/api/model-publishing/entities/component/default/iris/publication',
    });
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      'The model-publishing backend at https://mp.internal/api/model-publishing/entities/component/default/iris/publication failed to update the publication of component:default/iris (HTTP 502): upstream mpk_[redacted] gone',
    );
  });

  it('redacts a key in the URL of a 5xx', () => {
    const error = toActionError('publish', 'component:default/iris', 500, {
      message: 'boom',
      url: 'http://localhost/api?k=mpk_q1',
    });
    expect(error.message).toBe(
      'The model-publishing backend at http://localhost/api?k=mpk_[redacted] failed to publish component:default/iris (HTTP 500): boom',
    );
  });

  it('forwards an unnamed failure as a plain Error cause', () => {
    const error = toActionError('unpublish', 'component:default/iris', 405, {});
    expect(error).toBeInstanceOf(ForwardedError);
    expect(error.name).toBe('Error');
    expect(error.message).toBe(
      'Could not unpublish component:default/iris: the model-publishing backend answered HTTP 405, which this action does not expect; caused by Error: HTTP 405',
    );
  });

  it('never lets a key through a forwarded error, its name, message or URL', () => {
    const error = toActionError('publish', 'component:default/iris', 418, {
      message: 'key mpk_abc123 leaked',
      name: 'mpk_Name1',
      url: 'http://u:mpk_pw9@localhost/api?k=mpk_q1',
    });
    expect(`${error.name} ${error.message} ${String(error.cause)}`).not.toMatch(
      /mpk_[A-Za-z0-9]/,
    );
    expect(error.message).toContain(
      'caused by mpk_[redacted]: key mpk_[redacted] leaked',
    );
  });
});

describe('unreachableError', () => {
  it('names the URL and the network reason, and what to check', () => {
    const reason = new TypeError('fetch failed', {
      cause: new Error('connect ECONNREFUSED 127.0.0.1:7007'),
    });
    const error = unreachableError(
      'read',
      'component:default/iris',
      'http://localhost:7007/api/model-publishing/entities/component/default/iris',
      reason,
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      'Could not reach the model-publishing backend at http://localhost:7007/api/model-publishing/entities/component/default/iris to read the publication of component:default/iris: fetch failed (connect ECONNREFUSED 127.0.0.1:7007). Check that the backend is running and that discovery resolves the model-publishing plugin to it',
    );
    expect(error.cause).toBeUndefined();
  });

  it('redacts keys and URL credentials', () => {
    const error = unreachableError(
      'publish',
      'component:default/iris',
      'https://svc:secret@mp.internal/api/model-publishing',
      new Error('proxy said mpk_abc123'),
    );
    expect(error.message).toContain(
      'at https://mp.internal/api/model-publishing to publish',
    );
    expect(error.message).toContain('proxy said mpk_[redacted].');
    expect(error.message).not.toMatch(/secret|mpk_[A-Za-z0-9]/);
  });
});

describe('unreadableResponseError', () => {
  it('names the URL, status and content type, and what to check', () => {
    const error = unreadableResponseError(
      'update',
      'component:default/iris',
      'http://localhost:3000/api/model-publishing/entities/component/default/iris/publication',
      200,
      'text/html; charset=utf-8',
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      'The model-publishing backend at http://localhost:3000/api/model-publishing/entities/component/default/iris/publication answered HTTP 200 with a body that is not JSON (content-type text/html; charset=utf-8) when asked to update the publication of component:default/iris. Check that discovery resolves the model-publishing plugin to the backend, not to the app or a proxy page',
    );
  });
});

describe('shownUrl', () => {
  it.each([
    ['http://user:pw@host:7007/api/x', 'http://host:7007/api/x'],
    ['http://host/api/x', 'http://host/api/x'],
    ['not a url', 'not a url'],
  ])('%s → %s', (url, expected) => {
    expect(shownUrl(url)).toBe(expected);
  });
});

describe('redactKeys', () => {
  it('removes every key-shaped token and keeps the rest', () => {
    expect(redactKeys('a mpk_abc123 and mpk_XYZ, mpk_ alone')).toBe(
      'a mpk_[redacted] and mpk_[redacted], mpk_ alone',
    );
  });
});
