import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockModelPublishingApi,
  publication,
  renderWithApis,
  usageReport,
  usageSummary,
  usageTotals,
} from '../../__testUtils__/testUtils';
import { PublishedModelsPage } from './PublishedModelsPage';

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
        usageSummary([
          {
            publicationId: 'pub-1',
            cluster: 'default',
            namespace: 'team-a',
            name: 'fraud-detector',
            totals: usageTotals({ requests: 1234 }),
            alerts: 0,
          },
        ]),
      getUsage: async () =>
        usageReport({
          granularity: 'day',
          buckets: [1, 5, 3].map(n => ({
            ...usageTotals({ requests: n }),
            start: '2026-11-20T00:00:00Z',
          })),
        }),
    });
    await renderWithApis(<PublishedModelsPage />, { api });
    const table = await screen.findByRole('table', { name: 'Publications' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(
      within(rows[1]).getByRole('link', { name: /fraud-detector/ }),
    ).toHaveAttribute('href', '/catalog/default/component/fraud-detector');
    expect(within(rows[2]).getByText('Degraded')).toBeInTheDocument();
    expect(
      within(rows[2]).getByText('OpenAI-compatible (LLM)'),
    ).toBeInTheDocument();
    expect(
      await within(rows[1]).findByRole('img', {
        name: 'Requests of fraud-detector per day over the last 7 days',
      }),
    ).toBeInTheDocument();
  });

  it('filters by status, kind and owner through the API', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      listPublications: async () => ({ items: pubs }),
      getUsageSummary: async () => usageSummary(),
    });
    await renderWithApis(<PublishedModelsPage />, { api });
    await screen.findByRole('table', { name: 'Publications' });
    await user.click(screen.getByRole('button', { name: /Status/ }));
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
    await user.click(screen.getByRole('button', { name: /Owner/ }));
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
      getUsage: async () => usageReport(),
    });
    await renderWithApis(<PublishedModelsPage />, { api });
    await screen.findByRole('table', { name: 'Publications' });
    expect(screen.queryByText('old-model')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /Status/ }));
    await user.click(
      await screen.findByRole('option', { name: 'Not published' }),
    );
    expect(await screen.findByText('old-model')).toBeInTheDocument();
  });
});
