import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  address,
  mockModelPublishingApi,
  renderWithApis,
} from '../../__testUtils__/testUtils';
import { DeprecationPanel, validateDeprecation } from './DeprecationPanel';

const deprecation = {
  publicationId: 'p1',
  deprecatedAt: '2026-12-05T10:00:00.000Z',
  deprecatedBy: 'user:default/frank',
  sunsetAt: '2027-01-31T00:00:00.000Z',
  successor: 'component:default/fraud-sklearn-v2',
  successorUrl: 'https://models.example.com/models/ml/fraud-sklearn-v2',
  atSunset: 'unpublish' as const,
  headers: [],
};

describe('DeprecationPanel', () => {
  it('validates the sunset date (future) and builds the request', () => {
    const now = new Date('2026-12-05T10:00:00Z');
    const base = { successor: '', message: '', atSunset: 'unpublish' as const };
    expect(validateDeprecation({ ...base, sunsetOn: '' }, now).error).toBe(
      'Choose the sunset date',
    );
    expect(
      validateDeprecation({ ...base, sunsetOn: '2026-12-01' }, now).error,
    ).toMatch(/future/);
    expect(
      validateDeprecation(
        {
          ...base,
          sunsetOn: '2027-01-31',
          successor: ' component:default/v2 ',
        },
        now,
      ).request,
    ).toEqual({
      sunsetAt: '2027-01-31T00:00:00.000Z',
      atSunset: 'unpublish',
      successor: 'component:default/v2',
    });
  });

  it('shows the banner with the sunset and successor, and who still calls', async () => {
    const api = mockModelPublishingApi({
      getDeprecation: async () => ({
        deprecation,
        consumers: [
          {
            consumerRef: 'component:default/paul-app',
            keyIds: ['k1'],
            lastUsedAt: '2026-12-04T10:00:00Z',
          },
        ],
      }),
    });
    await renderWithApis(
      <DeprecationPanel address={address} canUpdate={false} />,
      { api },
    );
    expect(
      await screen.findByRole('status', { name: 'Deprecated' }),
    ).toHaveTextContent(/Sunset on 2027-01-31/);
    expect(
      screen.getByText('component:default/fraud-sklearn-v2'),
    ).toBeInTheDocument();
    expect(screen.getByText('component:default/paul-app')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Deprecate/ }),
    ).not.toBeInTheDocument();
  });

  it('an owner deprecates with the keyboard: open, fill the date, choose stop-new-keys, confirm', async () => {
    const api = mockModelPublishingApi({
      getDeprecation: async () => ({}),
      deprecate: async () => deprecation,
    });
    await renderWithApis(<DeprecationPanel address={address} canUpdate />, {
      api,
    });
    const open = await screen.findByRole('button', { name: 'Deprecate…' });
    open.focus();
    await userEvent.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', {
      name: 'Deprecate this publication',
    });
    expect(dialog).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Sunset date/), '2030-01-31');
    await userEvent.click(screen.getByLabelText(/issue no new ones/));
    await userEvent.click(screen.getByRole('button', { name: 'Deprecate' }));
    await waitFor(() =>
      expect(api.deprecate).toHaveBeenCalledWith(address, {
        sunsetAt: '2030-01-31T00:00:00.000Z',
        atSunset: 'stop-new-keys',
      }),
    );
  });
});
