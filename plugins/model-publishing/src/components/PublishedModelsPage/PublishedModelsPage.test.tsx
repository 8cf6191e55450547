import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockModelPublishingApi,
  publication,
  renderWithApis,
} from '../../__testUtils__/testUtils';
import { PublishedModelsPage } from './PublishedModelsPage';
import { sparklineValues } from './filters';

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
      getUsageSummary: async () => ({
        items: [{ publicationId: 'pub-1', series: [1, 5, 3] }],
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
        name: 'Requests of fraud-detector over the last 7 days',
      }),
    ).toBeInTheDocument();
  });

  it('filters by status, kind and owner through the API', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      listPublications: async () => ({ items: pubs }),
      getUsageSummary: async () => ({ items: [] }),
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
      getUsageSummary: async () => ({ items: [] }),
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
        getUsageSummary: async () => ({}),
      }),
    });
    expect((await screen.findAllByText(/db down/)).length).toBeGreaterThan(0);
  });
});

describe('sparklineValues', () => {
  it('reads a series or buckets', () => {
    expect(sparklineValues({ series: [1, 2] })).toEqual([1, 2]);
    expect(
      sparklineValues({
        buckets: [
          {
            start: '',
            requests: 4,
            status401: 0,
            status403: 0,
            status429: 0,
            status5xx: 0,
            inputTokens: 0,
            outputTokens: 0,
          },
        ],
      }),
    ).toEqual([4]);
    expect(sparklineValues(undefined)).toEqual([]);
  });
});
