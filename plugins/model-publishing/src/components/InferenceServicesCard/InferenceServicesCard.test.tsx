import { screen, within } from '@testing-library/react';
import { Entity } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/plugin-catalog-react';
import {
  makeEntity,
  mockModelPublishingApi,
  publication,
  renderWithApis,
} from '../../__testUtils__/testUtils';
import {
  InferenceServicesCard,
  relatedModelsFilter,
} from './InferenceServicesCard';

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', namespace: 'default' },
  spec: {},
};

describe('InferenceServicesCard', () => {
  it('lists the group models with status and Publish / Manage links', async () => {
    const published = {
      ...makeEntity(),
      metadata: { ...makeEntity().metadata, name: 'fraud-detector' },
    };
    const other = {
      ...makeEntity(),
      metadata: { ...makeEntity().metadata, name: 'churn' },
    };
    const catalogApi = {
      getEntities: jest.fn(async () => ({ items: [published, other] })),
    };
    const api = mockModelPublishingApi({
      listPublications: async () => ({ items: [publication()] }),
    });
    await renderWithApis(<InferenceServicesCard />, {
      api,
      entity: group,
      catalogApi,
    });
    const table = await screen.findByRole('table', {
      name: 'InferenceServices',
    });
    const rows = within(table).getAllByRole('row');
    expect(within(rows[1]).getByText('Published')).toBeInTheDocument();
    expect(
      await within(rows[1]).findByRole('link', { name: 'Manage' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/fraud-detector/publish',
    );
    expect(within(rows[2]).getByText('Not published')).toBeInTheDocument();
    expect(
      within(rows[2]).getByRole('link', { name: 'Publish' }),
    ).toHaveAttribute('href', '/catalog/default/component/churn/publish');
    expect(catalogApi.getEntities.mock.calls[0]).toBeDefined();
  });

  it("reads each model's current publication: live again after publish → unpublish → publish (issue 23 item 2)", async () => {
    const model = {
      ...makeEntity(),
      metadata: { ...makeEntity().metadata, name: 'fraud-detector' },
    };
    const api = mockModelPublishingApi({
      // Newest first, as the API pages them; the old record must not win.
      listPublications: async () => ({
        items: [
          publication({ id: 'new', status: 'published' }),
          publication({ id: 'old', status: 'unpublished' }),
        ],
      }),
    });
    await renderWithApis(<InferenceServicesCard />, {
      api,
      entity: group,
      catalogApi: { getEntities: async () => ({ items: [model] }) },
    });
    const table = await screen.findByRole('table', {
      name: 'InferenceServices',
    });
    expect(within(table).getByText('Published')).toBeInTheDocument();
    expect(within(table).queryByText('Not published')).toBeNull();
    expect(api.listPublications).toHaveBeenCalledWith(
      expect.objectContaining({ current: true }),
    );
  });

  it('offers other teams "View" instead of Publish / Manage (issue 23 item 6)', async () => {
    const published = {
      ...makeEntity(),
      metadata: { ...makeEntity().metadata, name: 'theirs-live' },
    };
    const other = {
      ...makeEntity(),
      metadata: { ...makeEntity().metadata, name: 'theirs-new' },
    };
    await renderWithApis(<InferenceServicesCard />, {
      api: mockModelPublishingApi({
        // Names of their own: usePermission caches decisions per resource across tests.
        listPublications: async () => ({
          items: [
            publication({
              name: 'theirs-live',
              entityRef: 'component:default/theirs-live',
            }),
          ],
        }),
      }),
      entity: group,
      catalogApi: { getEntities: async () => ({ items: [published, other] }) },
      deny: [
        'model-publishing.publication.create',
        'model-publishing.publication.update',
      ],
    });
    const table = await screen.findByRole('table', {
      name: 'InferenceServices',
    });
    expect(
      await within(table).findAllByRole('link', { name: 'View' }),
    ).toHaveLength(2);
    expect(within(table).queryByRole('link', { name: 'Publish' })).toBeNull();
    expect(within(table).queryByRole('link', { name: 'Manage' })).toBeNull();
  });

  it('shows an empty state', async () => {
    const catalogApi = { getEntities: async () => ({ items: [] }) };
    await renderWithApis(<InferenceServicesCard />, {
      api: mockModelPublishingApi({
        listPublications: async () => ({ items: [] }),
      }),
      entity: group,
      catalogApi,
    });
    expect(
      await screen.findByText('No InferenceServices here'),
    ).toBeInTheDocument();
    // The compact in-card empty state: text only, no EmptyState illustration.
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
  });

  it('filters by owner for groups and by system membership for systems', () => {
    expect(relatedModelsFilter(group)).toEqual({
      'metadata.annotations.model-publishing/inference-service':
        CATALOG_FILTER_EXISTS,
      'relations.ownedBy': 'group:default/team-a',
    });
    expect(
      relatedModelsFilter({ ...group, kind: 'System' })['relations.partOf'],
    ).toBe('system:default/team-a');
  });
});
