import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ForwardedError, ServiceUnavailableError } from '@backstage/errors';
import { ModelPublishingClient } from './ModelPublishingClient';

const IRIS = { kind: 'component', namespace: 'default', name: 'iris' };
const CREDENTIALS = mockCredentials.user('user:default/owner');

function clientAt(baseUrl: string, fetchImpl?: typeof fetch) {
  return new ModelPublishingClient({
    auth: mockServices.auth({ pluginId: 'scaffolder' }),
    discovery: {
      getBaseUrl: async () => baseUrl,
      getExternalBaseUrl: async () => baseUrl,
    },
    fetch: fetchImpl,
  });
}

/** A real HTTP server that answers every request with the given status, type and body. */
async function serve(status: number, contentType: string, body: string) {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}/api/model-publishing` };
}

const close = (server: Server) =>
  new Promise<void>(r => server.close(() => r()));

describe('ModelPublishingClient failures', () => {
  it('a backend that is not listening is a ServiceUnavailableError naming the URL and the reason', async () => {
    // Take a free port, then close it, so nothing listens there.
    const { server, baseUrl } = await serve(200, 'application/json', '{}');
    await close(server);

    const error = await clientAt(baseUrl)
      .getModel(CREDENTIALS, IRIS)
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toContain(
      `Could not reach the model-publishing backend at ${baseUrl}/entities/component/default/iris to read the publication of component:default/iris: fetch failed (`,
    );
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('an HTML page where JSON was expected is a ServiceUnavailableError naming the URL and status', async () => {
    const { server, baseUrl } = await serve(
      200,
      'text/html',
      '<!doctype html><title>Backstage</title>',
    );
    try {
      const error = await clientAt(baseUrl)
        .update(CREDENTIALS, IRIS, { rateLimits: { requestsPerMinute: 1 } })
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toContain(
        `The model-publishing backend at ${baseUrl}/entities/component/default/iris/publication answered HTTP 200 with a body that is not JSON (content-type text/html)`,
      );
      expect(error.message).not.toContain('doctype');
    } finally {
      await close(server);
    }
  });

  it('a status the action does not handle is forwarded with the URL and the backend error', async () => {
    const { server, baseUrl } = await serve(
      405,
      'application/json',
      JSON.stringify({
        error: { name: 'MethodNotAllowedError', message: 'no DELETE here' },
      }),
    );
    try {
      const error = await clientAt(baseUrl)
        .unpublish(CREDENTIALS, IRIS)
        .catch(e => e);
      expect(error).toBeInstanceOf(ForwardedError);
      expect(error.name).toBe('MethodNotAllowedError');
      expect(error.message).toBe(
        `Could not unpublish component:default/iris: the model-publishing backend answered HTTP 405 at ${baseUrl}/entities/component/default/iris/publication, which this action does not expect; caused by MethodNotAllowedError: no DELETE here`,
      );
    } finally {
      await close(server);
    }
  });

  it('a 5xx names the URL and the status and keeps the backend error', async () => {
    const { server, baseUrl } = await serve(
      503,
      'application/json',
      JSON.stringify({
        error: { name: 'ServiceUnavailableError', message: 'cluster down' },
      }),
    );
    try {
      const error = await clientAt(baseUrl)
        .unpublish(CREDENTIALS, IRIS)
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        `The model-publishing backend at ${baseUrl}/entities/component/default/iris/publication failed to unpublish component:default/iris (HTTP 503): cluster down`,
      );
    } finally {
      await close(server);
    }
  });

  it('a network failure that quotes a key does not carry it into the error', async () => {
    const leaky: typeof fetch = async () => {
      throw new TypeError('fetch failed', {
        cause: new Error('proxy rejected mpk_abc123'),
      });
    };
    const error = await clientAt(
      'http://mp.internal/api/model-publishing',
      leaky,
    )
      .getModel(CREDENTIALS, IRIS)
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toContain(
      'fetch failed (proxy rejected mpk_[redacted])',
    );
    expect(`${error.message} ${String(error.cause)}`).not.toMatch(
      /mpk_[A-Za-z0-9]/,
    );
  });
});
