import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  address,
  mockModelPublishingApi,
  modelInfo,
  openaiHigh,
  publication,
  renderWithApis,
} from '../../__testUtils__/testUtils';
import { ModelPermissions } from '../../hooks/useModelPermissions';
import { PublishForm } from './PublishForm';

const allowed: ModelPermissions = {
  loading: false,
  allowed: {
    read: true,
    create: true,
    update: true,
    delete: true,
    keyCreate: true,
    keyRotate: true,
    keyRevoke: true,
    usage: true,
    audit: true,
  },
};

describe('PublishForm prices (issue 20)', () => {
  it('publishes an LLM with the prices typed', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      publish: async () => ({ publication: publication() }),
    });
    await renderWithApis(
      <PublishForm
        address={address}
        model={modelInfo(openaiHigh)}
        permissions={allowed}
        onChanged={jest.fn()}
      />,
      { api },
    );
    await user.type(screen.getByLabelText('Per 1M input tokens'), '0.5');
    await user.type(screen.getByLabelText('Per 1M output tokens'), '1.5');
    await user.type(screen.getByLabelText('Per 1,000 requests'), '2');
    await user.click(screen.getByRole('button', { name: 'Publish' }));
    await waitFor(() => expect(api.publish).toHaveBeenCalled());
    expect(api.publish.mock.calls[0][1].prices).toEqual({
      inputTokensPerMillion: 0.5,
      outputTokensPerMillion: 1.5,
      requestsPerThousand: 2,
    });
  });

  it('refuses a negative price in the form’s words and sends nothing', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi();
    await renderWithApis(
      <PublishForm
        address={address}
        model={modelInfo()}
        permissions={allowed}
        onChanged={jest.fn()}
      />,
      { api },
    );
    expect(screen.queryByLabelText('Per 1M input tokens')).toBeNull();
    await user.type(screen.getByLabelText('Per 1,000 requests'), '-1');
    await user.click(screen.getByRole('button', { name: 'Publish' }));
    expect(
      await screen.findByText('A price cannot be negative'),
    ).toBeInTheDocument();
    expect(api.publish).not.toHaveBeenCalled();
  });

  it('shows a live publication’s prices and sends the changed ones with the update', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      updatePublication: async () => ({ publication: publication() }),
    });
    await renderWithApis(
      <PublishForm
        address={address}
        model={modelInfo()}
        publication={publication({
          config: {
            rateLimits: { requestsPerMinute: 60 },
            prices: { requestsPerThousand: 4 },
          },
        })}
        permissions={allowed}
        onChanged={jest.fn()}
      />,
      { api },
    );
    const field = screen.getByLabelText('Per 1,000 requests');
    expect(field).toHaveValue(4);
    await user.clear(field);
    await user.type(field, '5');
    await user.click(screen.getByRole('button', { name: 'Update' }));
    await waitFor(() =>
      expect(api.updatePublication).toHaveBeenCalledWith(address, {
        rateLimits: { requestsPerMinute: 60 },
        prices: { requestsPerThousand: 5 },
      }),
    );
  });
});
