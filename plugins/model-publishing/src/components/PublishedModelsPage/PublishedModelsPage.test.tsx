import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import {
  mockModelPublishingApi,
  publication,
  renderWithApis,
  usageSummary,
  usageSummaryItem,
} from '../../__testUtils__/testUtils';
import { ModelPublishingClient } from '../../api/ModelPublishingClient';
import { PublishedModelsPage, usageFrom } from './PublishedModelsPage';

const pubs = [
  publication(),
  publication({
    id: 'pub-2',
    name: 'chat',
    entityRef: 'component:default/chat',
    owner: 'group:default/llm-team',
    modelKind: 'openai',
    status: 'degraded',
  }),
];

describe('PublishedModelsPage', () => {
  it('lists publications with entity links, owners, status and sparkline', async () => {
    const api = mockModelPublishingApi({
      listPublications: async () => ({ items: pubs }),
      getUsageSummary: async () =>
        usageSummary([usageSummaryItem(pubs[0], [1, 5, 3, 0, 0, 2, 1223])]),
    });
    await renderWithApis(<PublishedModelsPage />, { api });
    const table = await screen.findByRole('table', { name: 'Publications' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    // Rows lead to the model's Publish tab, and the request count to its usage (issue 23 items 9, 10).
    expect(
      within(rows[1]).getByRole('link', {
        name: 'fraud-detector: Publish tab',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/fraud-detector/publish',
    );
    expect(
      await within(rows[1]).findByRole('link', {
        name: /^\d[\d,]* requests: usage of fraud-detector$/,
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/fraud-detector/publish#usage',
    );
    expect(api.listPublications).toHaveBeenCalledWith(
      expect.objectContaining({ current: true }),
    );
    expect(within(rows[2]).getByText('Degraded')).toBeInTheDocument();
    expect(
      within(rows[2]).getByText('OpenAI-compatible (LLM)'),
    ).toBeInTheDocument();
    expect(
      await within(rows[1]).findByRole('img', {
        name: 'Requests of fraud-detector per day over the last 7 days',
      }),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('1,234')).toBeInTheDocument();
    // no summary item for the second row (e.g. no usage.read on it): no trend, no total
    expect(within(rows[2]).queryByRole('img')).not.toBeInTheDocument();
    expect(api.getUsageSummary).toHaveBeenCalledTimes(1);
    expect(api.getUsage).not.toHaveBeenCalled();
  });

  it('filters by status, kind and owner through the API', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      listPublications: async () => ({ items: pubs }),
      getUsageSummary: async () => usageSummary(),
    });
    await renderWithApis(<PublishedModelsPage />, { api });
    await screen.findByRole('table', { name: 'Publications' });
    await user.click(screen.getByRole('button', { name: /^Status\s/ }));
    await user.click(await screen.findByRole('option', { name: 'Failed' }));
    await waitFor(() =>
      expect(api.listPublications).toHaveBeenLastCalledWith(
        expect.objectContaining({ status: 'failed' }),
      ),
    );
    await user.click(screen.getByRole('button', { name: /Kind/ }));
    await user.click(
      await screen.findByRole('option', { name: 'OpenAI-compatible (LLM)' }),
    );
    await waitFor(() =>
      expect(api.listPublications).toHaveBeenLastCalledWith(
        expect.objectContaining({ kind: 'openai', status: 'failed' }),
      ),
    );
    await user.click(screen.getByRole('button', { name: /^Owner\s/ }));
    await user.click(
      await screen.findByRole('option', { name: 'group:default/llm-team' }),
    );
    await waitFor(() =>
      expect(api.listPublications).toHaveBeenLastCalledWith(
        expect.objectContaining({ owner: 'group:default/llm-team' }),
      ),
    );
  });

  it('loads more with the cursor', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      listPublications: async filter =>
        filter?.cursor
          ? { items: [pubs[1]] }
          : { items: [pubs[0]], nextCursor: 'next' },
      getUsageSummary: async () => usageSummary(),
    });
    await renderWithApis(<PublishedModelsPage />, { api });
    await user.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Degraded')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Load more' }),
    ).not.toBeInTheDocument();
  });

  it('shows empty and error states; a failing usage summary does not break the page', async () => {
    const { unmount } = await renderWithApis(<PublishedModelsPage />, {
      api: mockModelPublishingApi({
        listPublications: async () => ({ items: [] }),
        getUsageSummary: async () => {
          throw new Error('x');
        },
      }),
    });
    expect(
      await screen.findByText('No published models yet'),
    ).toBeInTheDocument();
    unmount();
    await renderWithApis(<PublishedModelsPage />, {
      api: mockModelPublishingApi({
        listPublications: async () => {
          throw new Error('db down');
        },
        getUsageSummary: async () => usageSummary(),
      }),
    });
    expect((await screen.findAllByText(/db down/)).length).toBeGreaterThan(0);
  });

  it('hides unpublished history unless that status is chosen', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      listPublications: async () => ({
        items: [
          publication(),
          publication({
            id: 'old',
            status: 'unpublished',
            name: 'old-model',
            entityRef: undefined,
          }),
        ],
      }),
      getUsageSummary: async () => usageSummary(),
    });
    await renderWithApis(<PublishedModelsPage />, { api });
    await screen.findByRole('table', { name: 'Publications' });
    expect(screen.queryByText('old-model')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /^Status\s/ }));
    await user.click(
      await screen.findByRole('option', { name: 'Not published' }),
    );
    expect(await screen.findByText('old-model')).toBeInTheDocument();
  });

  it('searches on the server once typing pauses, and shows totals for what is shown (issue 23 item 10)', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      listPublications: async filter => ({
        items: filter?.q
          ? pubs.filter(p => (p.owner ?? '').includes(filter.q!.toLowerCase()))
          : pubs,
      }),
      getUsageSummary: async () =>
        usageSummary([usageSummaryItem(pubs[0], [1, 5, 3, 0, 0, 2, 1223])]),
    });
    await renderWithApis(<PublishedModelsPage />, { api });
    const table = await screen.findByRole('table', { name: 'Publications' });
    const status = screen.getByRole('status');
    await waitFor(() =>
      expect(status).toHaveTextContent(
        '2 publications · 2 live · 1 degraded or failed · 1,234 requests in the last 7 days',
      ),
    );
    expect(api.listPublications).toHaveBeenCalledWith(
      expect.objectContaining({ excludeUnpublished: true, limit: 50 }),
    );
    await user.type(screen.getByLabelText('Search'), 'LLM-TEAM');
    await waitFor(() =>
      expect(within(table).getAllByRole('row')).toHaveLength(2),
    );
    // One request of rows and one of totals for the whole word, not one per key.
    expect(
      (api.listPublications as jest.Mock).mock.calls.filter(([f]) => f?.q),
    ).toEqual([
      [expect.objectContaining({ q: 'LLM-TEAM', limit: 50, totals: false })],
      [expect.objectContaining({ q: 'LLM-TEAM', limit: 1 })],
    ]);
    expect(within(table).getByText('chat')).toBeInTheDocument();
    expect(status).toHaveTextContent('1 publications · 1 live');
    expect(
      screen.getByRole('button', { name: 'Export CSV' }),
    ).toBeInTheDocument();
  });

  it("totals every page from the server's counts when it sends them, not just the loaded rows", async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      // The server sends the totals with the first page only.
      listPublications: async filter =>
        filter?.cursor
          ? { items: [] }
          : {
              items: pubs,
              nextCursor: 'more',
              total: 1000,
              byStatus: {
                published: 900,
                updating: 10,
                degraded: 30,
                failed: 60,
              },
            },
      getUsageSummary: async () =>
        usageSummary([usageSummaryItem(pubs[0], [1, 5, 3, 0, 0, 2, 1223])]),
    });
    await renderWithApis(<PublishedModelsPage />, { api });
    await screen.findByRole('table', { name: 'Publications' });
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(
        '1,000 publications · 940 live · 90 degraded or failed · 1,234 requests in the last 7 days',
      ),
    );
    // The rows are asked without the totals, and the totals apart (one row).
    expect(api.listPublications).toHaveBeenCalledWith(
      expect.objectContaining({ totals: false, limit: 50 }),
    );
    expect(api.listPublications).toHaveBeenCalledWith(
      expect.not.objectContaining({ totals: false }),
    );
    // A later page carries no totals: the first request's stand.
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() =>
      expect(api.listPublications).toHaveBeenLastCalledWith(
        expect.objectContaining({ cursor: 'more' }),
      ),
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Load more' }),
      ).not.toBeInTheDocument(),
    );
    expect(screen.getByRole('status')).toHaveTextContent('1,000 publications');
  });

  it('sorts on the server by a column header, by keyboard; again reverses', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      listPublications: async () => ({ items: pubs }),
      getUsageSummary: async () => usageSummary(),
    });
    await renderWithApis(<PublishedModelsPage />, { api });
    await screen.findByRole('table', { name: 'Publications' });
    expect(api.listPublications).toHaveBeenLastCalledWith(
      expect.not.objectContaining({ sort: expect.anything() }),
    );
    screen.getByRole('button', { name: 'Model' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() =>
      expect(api.listPublications).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: 'name', order: 'asc' }),
      ),
    );
    expect(screen.getByRole('columnheader', { name: /Model/ })).toHaveAttribute(
      'aria-sort',
      'ascending',
    );
    await user.click(screen.getByRole('button', { name: 'Model' }));
    await waitFor(() =>
      expect(api.listPublications).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: 'name', order: 'desc' }),
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Status' }));
    await waitFor(() =>
      expect(api.listPublications).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: 'status', order: 'asc' }),
      ),
    );
  });

  describe('against the HTTP API (msw)', () => {
    const base = 'http://localhost:7007/api/model-publishing';
    const server = setupServer();
    beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
    afterEach(() => {
      server.resetHandlers();
      server.events.removeAllListeners();
    });
    afterAll(() => server.close());

    it('makes one usage request for all rows and draws every sparkline from it', async () => {
      const many = Array.from({ length: 12 }, (_, i) =>
        publication({
          id: `pub-${i}`,
          name: `model-${i}`,
          entityRef: `component:default/model-${i}`,
        }),
      );
      const requests: string[] = [];
      server.events.on('request:start', ({ request }) => {
        requests.push(
          new URL(request.url).pathname.replace('/api/model-publishing', ''),
        );
      });
      let summaryQuery: URLSearchParams | undefined;
      server.use(
        http.get(`${base}/publications`, () =>
          HttpResponse.json({ items: many }),
        ),
        http.get(`${base}/usage/summary`, ({ request }) => {
          summaryQuery = new URL(request.url).searchParams;
          // the last row is not in the summary (the caller may not read its usage)
          return HttpResponse.json(
            usageSummary(
              many
                .slice(0, -1)
                .map((p, i) =>
                  usageSummaryItem(p, [0, i, 2 * i, 8 + i, 4, 2, 1]),
                ),
            ),
          );
        }),
      );
      const client = new ModelPublishingClient({
        discoveryApi: { getBaseUrl: async () => base },
        fetchApi: { fetch: (input, init) => fetch(input, init) },
      });
      await renderWithApis(<PublishedModelsPage />, { api: client });

      const table = await screen.findByRole('table', { name: 'Publications' });
      const trends = await within(table).findAllByRole('img', {
        name: /per day over the last 7 days/,
      });
      expect(trends).toHaveLength(11);
      // seven points per row ([0, 3, 6, 11, 4, 2, 1] here): the busiest day at the top, an idle day at the bottom
      const points = (name: string) =>
        screen
          .getByRole('img', {
            name: `Requests of ${name} per day over the last 7 days`,
          })
          .querySelector('polyline')!
          .getAttribute('points')!
          .split(' ');
      expect(points('model-3')).toEqual([
        '0.0,22.0',
        '16.7,16.5',
        '33.3,11.1',
        '50.0,2.0',
        '66.7,14.7',
        '83.3,18.4',
        '100.0,20.2',
      ]);
      const row = (name: string) =>
        within(table)
          .getAllByRole('row')
          .find(r => within(r).queryByText(name))!;
      expect(within(row('model-3')).getByText('27')).toBeInTheDocument(); // 0+3+6+11+4+2+1
      expect(
        within(row('model-11')).queryByRole('img'),
      ).not.toBeInTheDocument();

      expect(requests.filter(r => r === '/usage/summary')).toHaveLength(1);
      expect(requests.filter(r => r.includes('/publication/usage'))).toEqual(
        [],
      );
      expect(summaryQuery?.get('from')).toBe(usageFrom());
      expect(summaryQuery?.has('to')).toBe(false);
    });
  });
});
