import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  AccessRequest,
  ConsumerKey,
  Plan,
} from '@model-publishing/plugin-model-publishing-common';
import {
  apiKey,
  mockModelAccessApi,
  mockModelPublishingApi,
  renderWithApis,
  uniqueRef,
  usageReport,
  usageTotals,
} from '../../__testUtils__/testUtils';
import { MyKeysTable, holderActions } from './MyKeysTable';
import { keyUsageRows } from './MyKeyUsageDialog';
import { OwnerAccessPanel } from './OwnerAccessPanel';

const consumerKey = (overrides: Partial<ConsumerKey> = {}): ConsumerKey => ({
  key: apiKey({ id: 'k1', name: 'checkout-scoring-1a2b3c4d' }),
  consumerRef: 'component:default/checkout-scoring',
  planId: 'p1',
  planName: 'trial',
  rateLimits: { requestsPerMinute: 10 },
  suspended: false,
  entityRef: 'component:default/fraud-sklearn',
  publicationId: 'pub-1',
  cluster: 'default',
  namespace: 'fraud-detection',
  name: 'fraud-sklearn',
  ...overrides,
});

const pending = (overrides: Partial<AccessRequest> = {}): AccessRequest => ({
  id: 'r1',
  publicationId: 'pub-1',
  entityRef: 'component:default/fraud-sklearn',
  planId: 'p2',
  planName: 'production',
  purpose: 'Scores card payments at checkout',
  consumerRef: 'component:default/checkout-scoring',
  requester: 'user:default/paul',
  status: 'pending',
  createdAt: '2026-12-05T09:00:00Z',
  ...overrides,
});

const plan = (name: string): Plan => ({
  id: `plan-${name}`,
  publicationId: 'pub-1',
  name,
  rateLimits: { requestsPerMinute: 60 },
  approval: 'manual',
  isDefault: name === 'default',
});

describe('holder actions on My model access', () => {
  it('rotate and revoke only what the holder may still change', () => {
    expect(holderActions(consumerKey())).toEqual({
      rotate: true,
      revoke: true,
    });
    expect(holderActions(consumerKey({ suspended: true }))).toEqual({
      rotate: false,
      revoke: true,
    });
    expect(
      holderActions(consumerKey({ key: apiKey({ status: 'revoked' }) })),
    ).toEqual({ rotate: false, revoke: false });
  });

  it('sorts by column without a button inside a button (axe nested-interactive)', async () => {
    await renderWithApis(<MyKeysTable keys={[consumerKey()]} />, {
      api: mockModelPublishingApi(),
    });
    expect(await screen.findByText('trial')).toBeInTheDocument();
    for (const header of screen.getAllByRole('columnheader')) {
      for (const button of within(header).queryAllByRole('button'))
        expect(within(button).queryAllByRole('button')).toEqual([]);
    }
  });

  it('shows no actions without onChanged (read-only lists)', async () => {
    await renderWithApis(<MyKeysTable keys={[consumerKey()]} />, {
      api: mockModelPublishingApi(),
    });
    expect(await screen.findByText('trial')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Rotate key/ })).toBeNull();
  });

  it('rotates the key (the new key shown once) and tells the page', async () => {
    const onChanged = jest.fn();
    const accessApi = mockModelAccessApi({
      rotateMyKey: async () => ({
        key: apiKey({ id: 'k2', name: 'checkout-scoring-1a2b3c4d' }),
        secret: 'mpk_new',
        previous: apiKey({ status: 'grace' }),
      }),
    });
    await renderWithApis(
      <MyKeysTable keys={[consumerKey()]} onChanged={onChanged} />,
      { api: mockModelPublishingApi(), accessApi },
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Rotate key checkout-scoring-1a2b3c4d',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Rotate key checkout-scoring-1a2b3c4d',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Rotate key' }),
    );
    expect(accessApi.rotateMyKey).toHaveBeenCalledWith('k1', 24);
    const shown = await screen.findByRole('dialog', {
      name: 'Your new API key: checkout-scoring-1a2b3c4d',
    });
    expect(within(shown).getByRole('textbox', { name: 'API key' })).toHaveValue(
      'mpk_new',
    );
    expect(onChanged).toHaveBeenCalled();
    await userEvent.click(
      within(shown).getByRole('button', { name: 'I have copied the key' }),
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'the old key works for 24 more hour(s)',
    );
  });

  it('revokes after confirmation; a suspended key offers no rotation', async () => {
    const onChanged = jest.fn();
    const accessApi = mockModelAccessApi({
      revokeMyKey: async () =>
        consumerKey({ key: apiKey({ status: 'revoked' }) }),
    });
    await renderWithApis(
      <MyKeysTable
        keys={[consumerKey({ suspended: true })]}
        onChanged={onChanged}
      />,
      { api: mockModelPublishingApi(), accessApi },
    );
    await screen.findByText('suspended');
    expect(screen.queryByRole('button', { name: /^Rotate key/ })).toBeNull();
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Revoke key checkout-scoring-1a2b3c4d',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: /Revoke key checkout-scoring/,
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke key' }),
    );
    await waitFor(() =>
      expect(accessApi.revokeMyKey).toHaveBeenCalledWith('k1'),
    );
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
  });

  it("shows the key's own usage, last 24 hours or 30 days, and its limit alerts", async () => {
    const accessApi = mockModelAccessApi({
      getMyKeyUsage: async (_id, range) =>
        usageReport({
          granularity: range?.granularity ?? 'hour',
          totals: usageTotals({
            requests: range?.granularity === 'day' ? 9000 : 1234,
            status429: 3,
          }),
          alerts: [
            {
              scope: 'key',
              metric: 'requests',
              window: 'hour',
              windowStart: '2026-12-05T09:00:00Z',
              limit: 100,
              used: 85,
              threshold: 80,
            },
          ],
        }),
    });
    await renderWithApis(
      <MyKeysTable keys={[consumerKey()]} onChanged={jest.fn()} />,
      { api: mockModelPublishingApi(), accessApi },
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Usage of key checkout-scoring-1a2b3c4d',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Usage of key checkout-scoring-1a2b3c4d',
    });
    const table = await within(dialog).findByRole('table', {
      name: 'Key usage',
    });
    expect(
      within(table).getByRole('row', { name: /Requests/ }),
    ).toHaveTextContent('1,234');
    expect(
      within(dialog).getByText(/80 % of the requests limit/),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Last 30 days' }),
    );
    expect(accessApi.getMyKeyUsage).toHaveBeenLastCalledWith('k1', {
      granularity: 'day',
    });
    await within(dialog).findByText('9,000');
  });

  it('usage rows name tokens only for keys that used some', () => {
    expect(
      keyUsageRows(usageReport({ totals: usageTotals({ requests: 5 }) })).map(
        r => r.label,
      ),
    ).not.toContain('Input tokens');
    expect(
      keyUsageRows(
        usageReport({ totals: usageTotals({ inputTokens: 10 }) }),
      ).find(r => r.label === 'Input tokens')?.value,
    ).toBe('10');
  });
});

describe("owners' access panel (Publish and Access tabs)", () => {
  it('renders nothing and asks nothing without model-publishing.access.approve', async () => {
    const accessApi = mockModelAccessApi();
    const { container } = await renderWithApis(
      <OwnerAccessPanel entityRef={uniqueRef()} />,
      {
        api: mockModelPublishingApi(),
        accessApi,
        deny: ['model-publishing.access.approve'],
      },
    );
    await waitFor(() => expect(container).toBeEmptyDOMElement());
    expect(accessApi.listAccessRequests).not.toHaveBeenCalled();
  });

  it('approves a pending request on another plan, and denies only with a reason', async () => {
    let requests = [
      pending(),
      pending({
        id: 'r2',
        requester: 'user:default/grace',
        consumerRef: 'user:default/grace',
      }),
    ];
    const accessApi = mockModelAccessApi({
      listAccessRequests: async () => requests,
      listConsumers: async () => [consumerKey()],
      listPlans: async () => [
        plan('default'),
        plan('production'),
        plan('trial'),
      ],
      decide: async (id, decision) => {
        requests = requests.filter(r => r.id !== id);
        return pending({
          id,
          status: decision.decision === 'approve' ? 'approved' : 'denied',
        });
      },
    });
    const onChanged = jest.fn();
    await renderWithApis(
      <OwnerAccessPanel entityRef={uniqueRef()} onChanged={onChanged} />,
      { api: mockModelPublishingApi(), accessApi },
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: "Approve paul's request for checkout-scoring",
      }),
    );
    const approve = await screen.findByRole('dialog', {
      name: 'Approve access for checkout-scoring',
    });
    await userEvent.click(
      within(approve).getByRole('button', { name: /^Plan/ }),
    );
    await userEvent.click(await screen.findByRole('option', { name: 'trial' }));
    await userEvent.click(
      within(approve).getByRole('button', { name: 'Approve' }),
    );
    expect(accessApi.decide).toHaveBeenCalledWith('r1', {
      decision: 'approve',
      plan: 'trial',
    });
    await waitFor(() =>
      expect(
        screen.queryByRole('button', {
          name: "Approve paul's request for checkout-scoring",
        }),
      ).toBeNull(),
    );
    expect(onChanged).toHaveBeenCalled();

    await userEvent.click(
      await screen.findByRole('button', {
        name: "Deny grace's request for grace",
      }),
    );
    const deny = await screen.findByRole('dialog', {
      name: 'Deny access for grace',
    });
    const confirm = within(deny).getByRole('button', { name: 'Deny' });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      within(deny).getByRole('textbox', { name: /Reason/ }),
      'Use the trial plan first',
    );
    await userEvent.click(confirm);
    expect(accessApi.decide).toHaveBeenLastCalledWith('r2', {
      decision: 'deny',
      reason: 'Use the trial plan first',
    });
    // Every consumer is listed for the owners.
    expect(
      screen.getByText('checkout-scoring-1a2b3c4d (mpk_AbCd…)'),
    ).toBeInTheDocument();
  });
});
