import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { ResponseError } from '@backstage/errors';
import { ModelPublishingClient } from './ModelPublishingClient';

const base = 'http://localhost:7007/api/model-publishing';
const server = setupServer();
const model = { cluster: 'default', namespace: 'team-a', name: 'fraud' };

describe('ModelPublishingClient', () => {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const fetchSpy = jest.fn((input: RequestInfo | URL, init?: RequestInit) =>
    fetch(input, init),
  );
  const client = new ModelPublishingClient({
    discoveryApi: { getBaseUrl: async () => base },
    fetchApi: { fetch: fetchSpy as typeof fetch },
  });

  it('lists publications with only the filters that are set', async () => {
    let url = '';
    server.use(
      http.get(`${base}/publications`, ({ request }) => {
        url = request.url;
        return HttpResponse.json({ items: [], nextCursor: 'c2' });
      }),
    );
    await expect(
      client.listPublications({ owner: 'group:default/a', kind: '' }),
    ).resolves.toEqual({ items: [], nextCursor: 'c2' });
    expect(new URL(url).searchParams.toString()).toBe(
      'owner=group%3Adefault%2Fa',
    );
  });

  it('sends every model route to the contract path with the right method and body', async () => {
    const seen: string[] = [];
    const record =
      (body: Parameters<typeof HttpResponse.json>[0]) =>
      async ({ request }: { request: Request }) => {
        const text =
          request.method === 'GET' || request.method === 'DELETE'
            ? ''
            : await request.text();
        seen.push(
          `${request.method} ${new URL(request.url).pathname.replace(
            '/api/model-publishing',
            '',
          )}${new URL(request.url).search} ${text}`,
        );
        return HttpResponse.json(body);
      };
    const m = `${base}/models/default/team-a/fraud`;
    server.use(
      http.get(m, record({ model: {} })),
      http.post(`${m}/publication/dry-run`, record({ objects: [] })),
      http.post(`${m}/publication`, record({ publication: {} })),
      http.put(`${m}/publication`, record({ publication: {} })),
      http.delete(`${m}/publication`, record({ publication: {} })),
      http.get(`${m}/publication/keys`, record({ items: [] })),
      http.post(`${m}/publication/keys`, record({ key: {}, secret: 's' })),
      http.post(
        `${m}/publication/keys/k%2F1/rotate`,
        record({ key: {}, secret: 's', previous: {} }),
      ),
      http.delete(`${m}/publication/keys/k1`, record({})),
      http.get(`${m}/publication/usage`, record({ buckets: [] })),
      http.get(`${m}/publication/guide`, record({ markdown: '', openapi: {} })),
      http.get(`${m}/audit`, record({ items: [] })),
      http.get(`${base}/usage/summary`, record({ items: [] })),
    );
    const config = { rateLimits: { requestsPerMinute: 5 } };
    await client.getModel(model);
    await client.dryRun(model, config);
    await client.publish(model, config);
    await client.updatePublication(model, config);
    await client.unpublish(model);
    await client.listKeys(model);
    await client.createKey(model, { name: 'ci' });
    await client.rotateKey(model, 'k/1', 0);
    await client.revokeKey(model, 'k1');
    await client.getUsage(model, { granularity: 'day' });
    await client.getGuide(model);
    await client.listAudit(model, { cursor: 'abc', limit: 10 });
    await client.getUsageSummary();
    expect(seen).toEqual([
      'GET /models/default/team-a/fraud ',
      'POST /models/default/team-a/fraud/publication/dry-run {"rateLimits":{"requestsPerMinute":5}}',
      'POST /models/default/team-a/fraud/publication {"rateLimits":{"requestsPerMinute":5}}',
      'PUT /models/default/team-a/fraud/publication {"rateLimits":{"requestsPerMinute":5}}',
      'DELETE /models/default/team-a/fraud/publication ',
      'GET /models/default/team-a/fraud/publication/keys ',
      'POST /models/default/team-a/fraud/publication/keys {"name":"ci"}',
      'POST /models/default/team-a/fraud/publication/keys/k%2F1/rotate {"gracePeriodHours":0}',
      'DELETE /models/default/team-a/fraud/publication/keys/k1 ',
      'GET /models/default/team-a/fraud/publication/usage?granularity=day ',
      'GET /models/default/team-a/fraud/publication/guide ',
      'GET /models/default/team-a/fraud/audit?cursor=abc&limit=10 ',
      'GET /usage/summary ',
    ]);
    const postInit = fetchSpy.mock.calls[2][1];
    expect(postInit?.headers).toEqual({ 'Content-Type': 'application/json' });
  });

  it("asks for the usage summary of a range and returns each publication's requests per day", async () => {
    let url = '';
    const body = {
      from: '2026-11-20T00:00:00.000Z',
      to: '2026-11-26T11:00:00.000Z',
      days: ['2026-11-25T00:00:00.000Z', '2026-11-26T00:00:00.000Z'],
      items: [
        {
          publicationId: 'p1',
          cluster: 'default',
          namespace: 'team-a',
          name: 'fraud',
          totals: {
            requests: 7,
            status401: 0,
            status403: 0,
            status429: 0,
            status5xx: 0,
            inputTokens: 0,
            outputTokens: 0,
          },
          requestsPerDay: [3, 4],
          alerts: 0,
        },
      ],
    };
    server.use(
      http.get(`${base}/usage/summary`, ({ request }) => {
        url = request.url;
        return HttpResponse.json(body);
      }),
    );
    await expect(
      client.getUsageSummary({ from: '2026-11-25T00:00:00.000Z' }),
    ).resolves.toEqual(body);
    expect(new URL(url).searchParams.toString()).toBe(
      'from=2026-11-25T00%3A00%3A00.000Z',
    );
  });

  it('turns a non-2xx answer into a ResponseError carrying the server message', async () => {
    server.use(
      http.post(`${base}/models/default/team-a/fraud/publication`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'rateLimits.requestsPerMinute: must be greater than 0',
            },
            request: {},
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    const error = await client.publish(model, { rateLimits: {} }).catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(400);
    expect(error.body.error.message).toBe(
      'rateLimits.requestsPerMinute: must be greater than 0',
    );
  });

  it('downloads the CSV and builds its URL', async () => {
    server.use(
      http.get(
        `${base}/models/default/team-a/fraud/publication/usage.csv`,
        () =>
          new HttpResponse('start,requests\n', {
            headers: { 'Content-Type': 'text/csv' },
          }),
      ),
    );
    const blob = await client.downloadUsageCsv(model, {
      from: '2026-11-01T00:00:00Z',
    });
    expect(await blob.text()).toBe('start,requests\n');
    await expect(
      client.getUsageCsvUrl(model, { granularity: 'hour' }),
    ).resolves.toBe(
      `${base}/models/default/team-a/fraud/publication/usage.csv?granularity=hour`,
    );
  });
});
