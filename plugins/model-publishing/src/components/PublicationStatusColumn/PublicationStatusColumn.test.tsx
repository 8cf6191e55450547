import { screen } from '@testing-library/react';
import {
  makeEntity,
  mockModelPublishingApi,
  publication,
  renderWithApis,
} from '../../__testUtils__/testUtils';
import {
  createPublicationStatusColumn,
  publicationsByEntity,
} from './PublicationStatusColumn';

describe('publication status column', () => {
  it('shows the status of published models and a Publish link for the others, with one list call', async () => {
    const published = makeEntity();
    const other = makeEntity();
    const api = mockModelPublishingApi({
      listPublications: async () => ({
        items: [
          publication({
            entityRef: `component:default/${published.metadata.name}`,
          }),
        ],
      }),
    });
    const column = createPublicationStatusColumn();
    expect(column.title).toBe('Publication');
    await renderWithApis(
      <>
        {column.render!({ entity: published }, 'row')}
        {column.render!({ entity: other }, 'row')}
        {column.render!({ entity: makeEntity({}) }, 'row')}
      </>,
      { api },
    );
    expect(await screen.findByText('Published')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Publish' })).toHaveAttribute(
      'href',
      `/catalog/default/component/${other.metadata.name}/publish`,
    );
    expect(api.listPublications).toHaveBeenCalledTimes(1);
  });

  it('caches briefly and forgets failures', async () => {
    let fail = true;
    const api = mockModelPublishingApi({
      listPublications: async () => {
        if (fail) throw new Error('down');
        return { items: [] };
      },
    });
    await expect(publicationsByEntity(api, 0)).rejects.toThrow('down');
    await new Promise(r => setTimeout(r, 0));
    fail = false;
    await expect(publicationsByEntity(api, 1)).resolves.toEqual(new Map());
    await publicationsByEntity(api, 2);
    expect(api.listPublications).toHaveBeenCalledTimes(2);
    await publicationsByEntity(api, 40_000);
    expect(api.listPublications).toHaveBeenCalledTimes(3);
  });
});
