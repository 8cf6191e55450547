import { mockServices } from '@backstage/backend-test-utils';
import { PublicationsClient } from './PublicationsClient';
import { publication } from '../__fixtures__/publications';

function jsonResponse(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

describe('PublicationsClient', () => {
  const discovery = mockServices.discovery.mock({
    getBaseUrl: async id => `http://backend.test/api/${id}`,
  });

  it('pages through /publications with a service token for the model-publishing plugin', async () => {
    const fetch = jest
      .fn()
      .mockResolvedValueOnce(
        jsonResponse({ items: [publication()], nextCursor: 'c1' }),
      )
      .mockResolvedValueOnce(
        jsonResponse({ items: [publication({ id: 'pub-2' })] }),
      );
    const client = new PublicationsClient({
      auth: mockServices.auth({ pluginId: 'catalog' }),
      discovery,
      fetch,
    });
    const items = await client.listPublications();
    expect(items.map(p => p.id)).toEqual(['pub-1', 'pub-2']);
    expect(fetch.mock.calls.map(c => c[0])).toEqual([
      'http://backend.test/api/model-publishing/publications?limit=100',
      'http://backend.test/api/model-publishing/publications?limit=100&cursor=c1',
    ]);
    const authorization: string = fetch.mock.calls[0][1].headers.Authorization;
    expect(authorization).toMatch(/^Bearer /);
    // The mock auth service encodes subject and target into the token.
    expect(authorization).toContain('"sub":"plugin:catalog"');
    expect(authorization).toContain('"target":"model-publishing"');
  });

  it('reads the OpenAPI document from the guide route of the model address', async () => {
    const openapi = {
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: {},
    };
    const fetch = jest
      .fn()
      .mockResolvedValue(jsonResponse({ markdown: '# Guide', openapi }));
    const client = new PublicationsClient({
      auth: mockServices.auth(),
      discovery,
      fetch,
    });
    await expect(client.getOpenApi(publication())).resolves.toEqual(openapi);
    expect(fetch.mock.calls[0][0]).toBe(
      'http://backend.test/api/model-publishing/models/local/fraud/sklearn-iris/publication/guide',
    );
  });

  it('fails with the status and the error body, never the token', async () => {
    const fetch = jest
      .fn()
      .mockResolvedValue(
        jsonResponse(
          { error: { name: 'NotAllowedError', message: 'denied' } },
          403,
        ),
      );
    const client = new PublicationsClient({
      auth: mockServices.auth(),
      discovery,
      fetch,
    });
    const error: Error = await client.listPublications().catch(e => e);
    expect(error.message).toContain('403');
    expect(error.message).toContain('NotAllowedError');
    expect(error.message).not.toContain('Bearer');
    expect(error.message).not.toContain('mock-service-token');
  });

  it('rejects a guide without an OpenAPI document', async () => {
    const fetch = jest
      .fn()
      .mockResolvedValue(jsonResponse({ markdown: '# Guide' }));
    const client = new PublicationsClient({
      auth: mockServices.auth(),
      discovery,
      fetch,
    });
    await expect(client.getOpenApi(publication())).rejects.toThrow(
      /no openapi document/,
    );
  });
});
