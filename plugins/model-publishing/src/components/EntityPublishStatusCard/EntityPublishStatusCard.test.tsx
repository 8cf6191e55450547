import { screen } from '@testing-library/react';
import {
  makeEntity,
  mockModelPublishingApi,
  modelInfo,
  publication,
  renderWithApis,
} from '../../__testUtils__/testUtils';
import { EntityPublishStatusCard } from './EntityPublishStatusCard';

describe('EntityPublishStatusCard', () => {
  it('shows the status chip and endpoint with copy', async () => {
    const api = mockModelPublishingApi({
      getModel: async () => ({
        model: modelInfo(),
        publication: publication(),
      }),
    });
    await renderWithApis(<EntityPublishStatusCard />, {
      api,
      entity: makeEntity(),
    });
    expect(await screen.findByText('Published')).toBeInTheDocument();
    expect(
      screen.getByText(
        'https://models.example.com/models/team-a/fraud-detector',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /Copy endpoint/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Manage publication/ }),
    ).toHaveAttribute(
      'href',
      expect.stringMatching(
        /\/catalog\/default\/component\/fraud-detector-\d+\/publish$/,
      ),
    );
  });

  it('offers publishing when not published', async () => {
    const api = mockModelPublishingApi({
      getModel: async () => ({ model: modelInfo() }),
    });
    await renderWithApis(<EntityPublishStatusCard />, {
      api,
      entity: makeEntity(),
    });
    expect(await screen.findByText('Not published')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Publish it' }),
    ).toBeInTheDocument();
  });

  it('shows loading, errors and a permission message', async () => {
    const { unmount } = await renderWithApis(<EntityPublishStatusCard />, {
      api: mockModelPublishingApi({ getModel: () => new Promise(() => {}) }),
      entity: makeEntity(),
    });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    unmount();
    const r = await renderWithApis(<EntityPublishStatusCard />, {
      api: mockModelPublishingApi({
        getModel: async () => {
          throw Object.assign(new Error('no'), { statusCode: 403 });
        },
      }),
      entity: makeEntity(),
    });
    expect(
      await screen.findByText(/don't have permission to see/),
    ).toBeInTheDocument();
    r.unmount();
    await renderWithApis(<EntityPublishStatusCard />, {
      api: mockModelPublishingApi({
        getModel: async () => {
          throw new Error('boom');
        },
      }),
      entity: makeEntity(),
    });
    expect((await screen.findAllByText(/boom/)).length).toBeGreaterThan(0);
  });

  it('renders nothing for entities without the annotation', async () => {
    const api = mockModelPublishingApi();
    await renderWithApis(<EntityPublishStatusCard />, {
      api,
      entity: makeEntity({}),
    });
    expect(screen.queryByText('Model publishing')).not.toBeInTheDocument();
    expect(api.getModel).not.toHaveBeenCalled();
  });
});
