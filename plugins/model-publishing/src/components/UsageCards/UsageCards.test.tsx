import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  address,
  alertApi,
  mockModelPublishingApi,
  renderWithApis,
  usageReport,
  usageTotals,
} from '../../__testUtils__/testUtils';
import { ModelPermissions } from '../../hooks/useModelPermissions';
import { UsageReport } from '../../api/types';
import { UsageCards } from './UsageCards';

const perms = (usage: boolean): ModelPermissions => ({
  loading: false,
  allowed: {
    read: true,
    create: true,
    update: true,
    delete: true,
    keyCreate: true,
    keyRotate: true,
    keyRevoke: true,
    usage,
    audit: true,
  },
});

const bucket = (start: string, requests: number, s429 = 0, tokens = 0) => ({
  start,
  requests,
  status401: 1,
  status403: 0,
  status429: s429,
  status4xxOther: 0,
  status5xx: 0,
  inputTokens: tokens,
  outputTokens: tokens * 3,
});

const report: UsageReport = usageReport({
  granularity: 'hour',
  totals: usageTotals({
    requests: 150,
    status401: 2,
    status429: 2,
    status4xxOther: 0,
    inputTokens: 30,
    outputTokens: 90,
  }),
  buckets: [
    bucket('2026-11-25T10:00:00Z', 100, 2, 10),
    bucket('2026-11-25T11:00:00Z', 50, 0, 20),
  ],
  keys: [
    {
      clientId: 'key-k1',
      keyId: 'k1',
      keyName: 'ci-client',
      totals: usageTotals({
        requests: 140,
        status429: 2,
        status4xxOther: 0,
        inputTokens: 30,
        outputTokens: 90,
      }),
    },
    { clientId: '', totals: usageTotals({ requests: 10, status401: 10 }) },
  ],
  alerts: [
    {
      scope: 'key',
      keyId: 'k1',
      clientId: 'key-k1',
      metric: 'requests',
      window: 'day',
      windowStart: '2026-11-25T00:00:00Z',
      limit: 175,
      used: 140,
      threshold: 80,
    },
    {
      scope: 'key',
      keyId: 'k1',
      clientId: 'key-k1',
      metric: 'tokens',
      window: 'day',
      windowStart: '2026-11-25T00:00:00Z',
      limit: 120,
      used: 120,
      threshold: 100,
    },
  ],
});

describe('UsageCards', () => {
  it('charts requests and errors, totals, per-key breakdown and quota alerts', async () => {
    const onReport = jest.fn();
    const api = mockModelPublishingApi({ getUsage: async () => report });
    await renderWithApis(
      <UsageCards
        address={address}
        modelKind="v1"
        permissions={perms(true)}
        onReport={onReport}
      />,
      { api },
    );
    expect(
      await screen.findByRole('img', {
        name: /Requests and errors over time: Requests total 150, Errors total 4/,
      }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('img', { name: /Tokens over time/ }),
    ).not.toBeInTheDocument();
    const alerts = screen.getAllByText(/Key ci-client (used|reached)/);
    expect(alerts[0]).toHaveTextContent(
      'Key ci-client reached 100% of its tokens-per-day limit (120 of 120)',
    );
    expect(alerts[1]).toHaveTextContent(
      'Key ci-client used 80% of its requests-per-day limit (140 of 175)',
    );
    const table = screen.getByRole('table', { name: 'Usage per key' });
    expect(within(table).getByText('ci-client')).toBeInTheDocument();
    expect(within(table).getByText('No valid key')).toBeInTheDocument();
    expect(within(table).queryByText('Tokens in')).not.toBeInTheDocument();
    expect(onReport).toHaveBeenCalledWith(report);
    expect(api.getUsage.mock.calls[0][1]).toMatchObject({
      granularity: 'hour',
    });
  });

  it('shows tokens in and out for LLMs', async () => {
    const api = mockModelPublishingApi({ getUsage: async () => report });
    await renderWithApis(
      <UsageCards
        address={address}
        modelKind="openai"
        permissions={perms(true)}
      />,
      { api },
    );
    expect(
      await screen.findByRole('img', {
        name: /Tokens over time: Input tokens total 30, Output tokens total 90/,
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('Tokens in:')).toBeInTheDocument();
    expect(
      within(screen.getByRole('table', { name: 'Usage per key' })).getByText(
        'Tokens out',
      ),
    ).toBeInTheDocument();
  });

  it('reloads for a new range with daily buckets for 30 days', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({ getUsage: async () => report });
    await renderWithApis(
      <UsageCards address={address} modelKind="v1" permissions={perms(true)} />,
      { api },
    );
    await screen.findByRole('table', { name: 'Usage per key' });
    await user.click(screen.getByRole('button', { name: /last 30 days/i }));
    await waitFor(() => expect(api.getUsage).toHaveBeenCalledTimes(2));
    const query = api.getUsage.mock.calls[1][1]!;
    expect(query.granularity).toBe('day');
    expect(
      new Date(query.to!).getTime() - new Date(query.from!).getTime(),
    ).toBe(30 * 24 * 3600 * 1000);
  });

  it('downloads the CSV for the selected range', async () => {
    const user = userEvent.setup();
    const createObjectURL = jest.fn(() => 'blob:x');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    const api = mockModelPublishingApi({
      getUsage: async () => report,
      downloadUsageCsv: async () => new Blob(['a,b\n']),
    });
    await renderWithApis(
      <UsageCards address={address} modelKind="v1" permissions={perms(true)} />,
      { api },
    );
    await user.click(
      await screen.findByRole('button', { name: 'Download CSV' }),
    );
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(api.downloadUsageCsv.mock.calls[0][1]).toMatchObject({
      granularity: 'hour',
    });
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:x');
    click.mockRestore();
  });

  it('reports a failed CSV download', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      getUsage: async () => report,
      downloadUsageCsv: async () => {
        throw new Error('csv broke');
      },
    });
    await renderWithApis(
      <UsageCards address={address} modelKind="v1" permissions={perms(true)} />,
      { api },
    );
    await user.click(
      await screen.findByRole('button', { name: 'Download CSV' }),
    );
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith({
        message: 'CSV download failed: csv broke',
        severity: 'error',
      }),
    );
  });

  it('shows an empty state without traffic and an error panel on failure', async () => {
    const empty = mockModelPublishingApi({
      getUsage: async () => usageReport(),
    });
    const { unmount } = await renderWithApis(
      <UsageCards address={address} modelKind="v1" permissions={perms(true)} />,
      { api: empty },
    );
    expect(
      await screen.findByText('No traffic in this range'),
    ).toBeInTheDocument();
    // The compact in-card empty state: text only, no EmptyState illustration.
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    unmount();
    const failing = mockModelPublishingApi({
      getUsage: async () => {
        throw new Error('prometheus down');
      },
    });
    await renderWithApis(
      <UsageCards address={address} modelKind="v1" permissions={perms(true)} />,
      { api: failing },
    );
    expect(
      (await screen.findAllByText(/prometheus down/)).length,
    ).toBeGreaterThan(0);
  });

  it('does not load usage without permission', async () => {
    const api = mockModelPublishingApi();
    await renderWithApis(
      <UsageCards
        address={address}
        modelKind="v1"
        permissions={perms(false)}
      />,
      { api },
    );
    expect(screen.getByText(/permission to read usage/)).toBeInTheDocument();
    expect(api.getUsage).not.toHaveBeenCalled();
  });
});
