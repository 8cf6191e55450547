import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  address,
  apiKey,
  mockModelPublishingApi,
  renderWithApis,
} from '../../__testUtils__/testUtils';
import { ModelPermissions } from '../../hooks/useModelPermissions';
import { KeyManager } from './KeyManager';

const perms = (
  overrides: Partial<ModelPermissions['allowed']> = {},
): ModelPermissions => ({
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
    ...overrides,
  },
});

const issued = (id: string, secret: string) => ({
  key: apiKey({ id, name: `key-${id}` }),
  secret,
});

describe('KeyManager', () => {
  it('lists keys with prefix, dates, requests and status', async () => {
    const api = mockModelPublishingApi({
      listKeys: async () => ({
        items: [
          apiKey({
            lastUsedAt: '2026-11-25T10:00:00Z',
            expiresAt: '2027-01-01T00:00:00Z',
          }),
          apiKey({
            id: 'k2',
            name: 'old',
            prefix: 'mpk_Old1',
            status: 'grace',
          }),
          apiKey({
            id: 'k3',
            name: 'gone',
            prefix: 'mpk_Gone',
            status: 'revoked',
          }),
        ],
      }),
    });
    await renderWithApis(
      <KeyManager
        address={address}
        permissions={perms()}
        requestsByKey={{ k1: 1234 }}
      />,
      { api },
    );
    const table = await screen.findByRole('table', { name: 'API keys' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect(within(rows[1]).getByText('mpk_AbCd…')).toBeInTheDocument();
    expect(within(rows[1]).getByText('1,234')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Active')).toBeInTheDocument();
    expect(within(rows[2]).getByText('Grace period')).toBeInTheDocument();
    expect(
      within(rows[2]).queryByRole('button', { name: /Rotate/ }),
    ).not.toBeInTheDocument();
    expect(within(rows[3]).queryByRole('button')).not.toBeInTheDocument();
    expect(
      screen.getByRole('columnheader', { name: 'Requests' }),
    ).toBeInTheDocument();
  });

  it('shows an empty state with a create action, and an error state', async () => {
    const api = mockModelPublishingApi({
      listKeys: async () => ({ items: [] }),
    });
    await renderWithApis(
      <KeyManager address={address} permissions={perms()} />,
      { api },
    );
    expect(await screen.findByText('No API keys yet')).toBeInTheDocument();
    // The compact in-card empty state: text only, no EmptyState illustration.
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create key' })).toBeEnabled();
  });

  it('shows the error when keys cannot be loaded', async () => {
    const api = mockModelPublishingApi({
      listKeys: async () => {
        throw new Error('backend down');
      },
    });
    await renderWithApis(
      <KeyManager address={address} permissions={perms()} />,
      { api },
    );
    expect((await screen.findAllByText(/backend down/)).length).toBeGreaterThan(
      0,
    );
    expect(
      screen.getByText('Could not load the API keys', { exact: false }),
    ).toBeInTheDocument();
  });

  it('creates a key, validates the name, and shows the key once', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      listKeys: async () => ({ items: [apiKey()] }),
      createKey: async () =>
        issued('k9', 'mpk_NEWsecretvalue0000000000000000000aaaaaa'),
    });
    await renderWithApis(
      <KeyManager address={address} permissions={perms()} />,
      { api },
    );
    await user.click(await screen.findByRole('button', { name: 'Create key' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Create API key',
    });
    await user.click(
      within(dialog).getByRole('button', { name: 'Create key' }),
    );
    expect(
      await within(dialog).findByText('key name must not be empty'),
    ).toBeInTheDocument();
    expect(api.createKey).not.toHaveBeenCalled();
    await user.type(within(dialog).getByLabelText('Key name'), 'partner-x');
    await user.click(
      within(dialog).getByRole('button', { name: 'Create key' }),
    );
    await waitFor(() =>
      expect(api.createKey).toHaveBeenCalledWith(address, {
        name: 'partner-x',
      }),
    );
    const shown = await screen.findByRole('dialog', {
      name: /Your new API key/,
    });
    expect(
      within(shown).getByDisplayValue(
        'mpk_NEWsecretvalue0000000000000000000aaaaaa',
      ),
    ).toBeInTheDocument();
    expect(
      within(shown).getByText(/You won't see this key again/),
    ).toBeInTheDocument();
    expect(
      within(shown).getByRole('button', { name: 'Copy API key' }),
    ).toBeInTheDocument();
    await user.click(
      within(shown).getByRole('button', { name: 'I have copied the key' }),
    );
    await waitFor(() =>
      expect(
        screen.queryByDisplayValue(/mpk_NEWsecret/),
      ).not.toBeInTheDocument(),
    );
    expect(api.listKeys).toHaveBeenCalledTimes(2);
  });

  it('rotates with a confirmation that explains the grace period (default 24 h, 0 = now)', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      listKeys: async () => ({ items: [apiKey()] }),
      rotateKey: async () => ({
        ...issued('k2', 'mpk_ROTATEDsecret'),
        previous: apiKey({ status: 'grace' }),
      }),
    });
    await renderWithApis(
      <KeyManager address={address} permissions={perms()} />,
      { api },
    );
    await user.click(
      await screen.findByRole('button', { name: 'Rotate key ci-client' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Rotate key ci-client',
    });
    expect(
      within(dialog).getByText(/During the grace period both keys work/),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('24 hours (default)')).toBeInTheDocument();
    await user.click(
      within(dialog).getByRole('button', { name: /Grace period/ }),
    );
    await user.click(
      await screen.findByRole('option', {
        name: /None — the old key stops working immediately/,
      }),
    );
    expect(
      within(dialog).getByText(/will be rejected as soon as you confirm/),
    ).toBeInTheDocument();
    await user.click(
      within(dialog).getByRole('button', { name: 'Rotate key' }),
    );
    await waitFor(() =>
      expect(api.rotateKey).toHaveBeenCalledWith(address, 'k1', 0),
    );
    expect(
      await screen.findByDisplayValue('mpk_ROTATEDsecret'),
    ).toBeInTheDocument();
  });

  it('sends the default grace period when the owner keeps it', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      listKeys: async () => ({ items: [apiKey()] }),
      rotateKey: async () => ({ ...issued('k2', 's'), previous: apiKey() }),
    });
    await renderWithApis(
      <KeyManager address={address} permissions={perms()} />,
      { api },
    );
    await user.click(
      await screen.findByRole('button', { name: 'Rotate key ci-client' }),
    );
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Rotate key',
      }),
    );
    await waitFor(() =>
      expect(api.rotateKey).toHaveBeenCalledWith(address, 'k1', 24),
    );
  });

  it('revokes after confirmation, and keeps the dialog open with the error on failure', async () => {
    const user = userEvent.setup();
    let fail = true;
    const api = mockModelPublishingApi({
      listKeys: async () => ({ items: [apiKey()] }),
      revokeKey: async () => {
        if (fail) throw new Error('gateway unreachable');
        return apiKey({ status: 'revoked' });
      },
    });
    await renderWithApis(
      <KeyManager address={address} permissions={perms()} />,
      { api },
    );
    await user.click(
      await screen.findByRole('button', { name: 'Revoke key ci-client' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Revoke key ci-client',
    });
    expect(
      within(dialog).getByText(/This cannot be undone/),
    ).toBeInTheDocument();
    await user.click(
      within(dialog).getByRole('button', { name: 'Revoke key' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'gateway unreachable',
    );
    fail = false;
    await user.click(
      within(dialog).getByRole('button', { name: 'Revoke key' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.revokeKey).toHaveBeenLastCalledWith(address, 'k1');
  });

  it('disables create, rotate and revoke with a reason when denied', async () => {
    const api = mockModelPublishingApi({
      listKeys: async () => ({ items: [apiKey()] }),
    });
    await renderWithApis(
      <KeyManager
        address={address}
        permissions={perms({
          keyCreate: false,
          keyRotate: false,
          keyRevoke: false,
        })}
      />,
      { api },
    );
    expect(
      await screen.findByRole('button', { name: 'Create key' }),
    ).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Rotate key ci-client' }),
    ).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Revoke key ci-client' }),
    ).toBeDisabled();
    expect(
      screen.getByLabelText(/permission to create keys/),
    ).toBeInTheDocument();
  });
  it('does not ask for the keys of a model whose usage the user may not see', async () => {
    const listKeys = jest.fn(async () => ({ items: [apiKey()] }));
    const api = mockModelPublishingApi({ listKeys });
    await renderWithApis(
      <KeyManager
        address={address}
        permissions={perms({
          usage: false,
          keyCreate: false,
          keyRotate: false,
          keyRevoke: false,
        })}
      />,
      { api },
    );
    expect(
      await screen.findByText(/permission to see the API keys/),
    ).toBeInTheDocument();
    expect(listKeys).not.toHaveBeenCalled();
    expect(
      screen.queryByRole('table', { name: 'API keys' }),
    ).not.toBeInTheDocument();
  });
});

describe('KeyManager for issue 23', () => {
  it('tells rotated keys apart (id column), shows the end of the grace period and who created each key', async () => {
    const api = mockModelPublishingApi({
      listKeys: async () => ({
        items: [
          apiKey({
            id: 'aaaaaaaa-new',
            prefix: 'mpk_New1',
            createdBy: 'user:default/frank',
          }),
          apiKey({
            id: 'bbbbbbbb-old',
            prefix: 'mpk_Old1',
            status: 'grace',
            graceUntil: '2026-12-06T10:00:00Z',
          }),
        ],
      }),
    });
    await renderWithApis(
      <KeyManager address={address} permissions={perms()} />,
      { api },
    );
    const table = await screen.findByRole('table', { name: 'API keys' });
    const rows = within(table).getAllByRole('row');
    expect(within(rows[0]).getByText('ID')).toBeInTheDocument();
    expect(within(rows[1]).getByText('aaaaaaaa')).toHaveAttribute(
      'title',
      'aaaaaaaa-new',
    );
    expect(within(rows[2]).getByText('bbbbbbbb')).toBeInTheDocument();
    expect(within(rows[1]).getByText('by frank')).toBeInTheDocument();
    // The grace key's Expires cell is the end of its grace period, not "Never".
    const expires = within(rows[2]).getAllByRole('cell')[4];
    expect(expires).not.toHaveTextContent('Never');
    expect(
      within(expires).getByText('end of grace period'),
    ).toBeInTheDocument();
    expect(
      within(expires).getByText(
        new Date('2026-12-06T10:00:00Z').toLocaleString(undefined, {
          year: 'numeric',
          month: 'short',
          day: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
        }),
      ),
    ).toBeInTheDocument();
  });

  it('hides revoked and expired keys on request', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      listKeys: async () => ({
        items: [
          apiKey({ name: 'live' }),
          apiKey({ id: 'k2', name: 'gone', status: 'revoked' }),
          apiKey({ id: 'k3', name: 'old', status: 'expired' }),
        ],
      }),
    });
    await renderWithApis(
      <KeyManager address={address} permissions={perms()} />,
      { api },
    );
    const table = await screen.findByRole('table', { name: 'API keys' });
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    await user.click(
      screen.getByRole('checkbox', { name: 'Hide revoked and expired keys' }),
    );
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    expect(within(table).getByText('live')).toBeInTheDocument();
  });

  it('keeps the once-shown key when Escape is pressed until the user confirms; focus starts on the key', async () => {
    const user = userEvent.setup();
    const secret = 'mpk_NEWsecretvalue0000000000000000000aaaaaa';
    const api = mockModelPublishingApi({
      listKeys: async () => ({ items: [apiKey()] }),
      createKey: async () => issued('k9', secret),
    });
    await renderWithApis(
      <KeyManager address={address} permissions={perms()} />,
      { api },
    );
    await user.click(await screen.findByRole('button', { name: 'Create key' }));
    const create = await screen.findByRole('dialog', {
      name: 'Create API key',
    });
    await user.type(within(create).getByLabelText('Key name'), 'partner-x');
    await user.click(
      within(create).getByRole('button', { name: 'Create key' }),
    );
    const shown = await screen.findByRole('dialog', {
      name: 'Your new API key: key-k9',
    });
    const field = within(shown).getByRole('textbox', { name: 'API key' });
    await waitFor(() => expect(field).toHaveFocus());

    await user.keyboard('{Escape}');
    const ask = await screen.findByRole('alertdialog', {
      name: 'Close the key dialog?',
    });
    await waitFor(() =>
      expect(
        within(ask).getByRole('button', { name: 'Keep the dialog open' }),
      ).toHaveFocus(),
    );
    await user.keyboard('{Enter}');
    await waitFor(() => expect(ask).not.toBeInTheDocument());
    expect(field).toHaveValue(secret);

    await user.keyboard('{Escape}');
    await user.click(
      await screen.findByRole('button', { name: 'Close the key dialog' }),
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('dialog', { name: /Your new API key/ }),
      ).not.toBeInTheDocument(),
    );
    expect(document.body.innerHTML).not.toContain(secret);
  });

  it("shows each key's description, own limits and expiry reminder, and edits them (issue 23 item 12)", async () => {
    const user = userEvent.setup();
    const soon = new Date(Date.now() + 3 * 86_400_000 + 60_000).toISOString();
    const api = mockModelPublishingApi({
      listKeys: async () => ({
        items: [
          apiKey({ description: 'nightly scoring job', expiresAt: soon }),
          apiKey({
            id: 'k2',
            name: 'partner',
            rateLimits: { requestsPerMinute: 5, requestsPerDay: 1000 },
          }),
          apiKey({ id: 'k3', name: 'gone', status: 'revoked' }),
        ],
      }),
      updateKey: async () => apiKey(),
    });
    await renderWithApis(
      <KeyManager
        address={address}
        permissions={perms()}
        publicationLimits={{ requestsPerMinute: 60 }}
      />,
      { api },
    );
    const table = await screen.findByRole('table', { name: 'API keys' });
    const first = within(table).getByRole('row', { name: /ci-client/ });
    expect(within(first).getByText('nightly scoring job')).toBeInTheDocument();
    expect(within(first).getByText("Publication's")).toBeInTheDocument();
    expect(
      within(first).getByText('Stops working in 3 days'),
    ).toBeInTheDocument();
    const second = within(table).getByRole('row', { name: /partner/ });
    expect(
      within(second).getByText('5 req/min, 1,000 req/day'),
    ).toBeInTheDocument();
    // A revoked key cannot be edited.
    expect(
      screen.queryByRole('button', { name: 'Edit key gone' }),
    ).not.toBeInTheDocument();

    await user.click(
      screen.getByRole('button', { name: 'Edit key ci-client' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Edit key ci-client',
    });
    expect(within(dialog).getByText(/60 req\/min/)).toBeInTheDocument();
    // A predictive model's keys have no token limits.
    expect(
      within(dialog).queryByLabelText('Tokens per minute'),
    ).not.toBeInTheDocument();
    const description = within(dialog).getByLabelText('Description (optional)');
    expect(description).toHaveValue('nightly scoring job');
    await user.clear(description);
    await user.type(description, 'scoring (prod)');
    await user.type(within(dialog).getByLabelText('Requests per minute'), '0');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(
      await within(dialog).findByText(
        'Requests per minute must be at least 1 (leave it empty for no limit)',
      ),
    ).toBeInTheDocument();
    expect(api.updateKey).not.toHaveBeenCalled();
    await user.clear(within(dialog).getByLabelText('Requests per minute'));
    await user.type(within(dialog).getByLabelText('Requests per minute'), '5');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.updateKey).toHaveBeenCalledWith(address, 'k1', {
        description: 'scoring (prod)',
        rateLimits: { requestsPerMinute: 5 },
      }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.listKeys).toHaveBeenCalledTimes(2);

    // Emptying every limit gives the key the publication's limits again.
    await user.click(screen.getByRole('button', { name: 'Edit key partner' }));
    const partner = await screen.findByRole('dialog', {
      name: 'Edit key partner',
    });
    await user.clear(within(partner).getByLabelText('Requests per minute'));
    await user.clear(within(partner).getByLabelText('Requests per day'));
    await user.click(within(partner).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.updateKey).toHaveBeenLastCalledWith(address, 'k2', {
        description: '',
        rateLimits: {},
      }),
    );
  });

  it("offers token limits for an LLM's keys, sends a description with a new key, and needs key.create to edit", async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      listKeys: async () => ({ items: [apiKey()] }),
      createKey: async () =>
        issued('k9', 'mpk_NEWsecretvalue0000000000000000000aaaaaa'),
    });
    const { unmount } = await renderWithApis(
      <KeyManager address={address} permissions={perms()} llm />,
      { api },
    );
    await user.click(
      await screen.findByRole('button', { name: 'Edit key ci-client' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Edit key ci-client',
    });
    expect(
      within(dialog).getByLabelText('Tokens per minute'),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    const create = await screen.findByRole('dialog', {
      name: 'Create API key',
    });
    await user.type(within(create).getByLabelText('Key name'), 'web');
    await user.type(
      within(create).getByLabelText('Description (optional)'),
      'the storefront',
    );
    await user.click(
      within(create).getByRole('button', { name: 'Create key' }),
    );
    await waitFor(() =>
      expect(api.createKey).toHaveBeenCalledWith(address, {
        name: 'web',
        description: 'the storefront',
      }),
    );
    unmount();

    await renderWithApis(
      <KeyManager
        address={address}
        permissions={perms({ keyCreate: false })}
      />,
      {
        api: mockModelPublishingApi({
          listKeys: async () => ({ items: [apiKey()] }),
        }),
      },
    );
    expect(
      await screen.findByRole('button', { name: 'Edit key ci-client' }),
    ).toBeDisabled();
  });
});
