import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  address,
  mockModelPublishingApi,
  renderWithApis,
  usageReport,
  usageTotals,
} from '../../__testUtils__/testUtils';
import { ModelPermissions } from '../../hooks/useModelPermissions';
import { UsageReport } from '../../api/types';
import { UsageCards } from './UsageCards';

const perms: ModelPermissions = {
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

const bucket = (start: string, requests: number, errors = 0) => ({
  start,
  requests,
  status401: 0,
  status403: 0,
  status429: errors,
  status4xxOther: 0,
  status5xx: 0,
  inputTokens: requests * 10,
  outputTokens: requests * 20,
});

const NOTE =
  "Error classes from Prometheus are approximate: AI Gateway's metrics tell failed requests only by error type (counted as 5xx).";

const report: UsageReport = usageReport({
  granularity: 'hour',
  totals: usageTotals({
    requests: 150,
    status401: 2,
    status403: 1,
    status429: 3,
    status4xxOther: 4,
    status5xx: 5,
    inputTokens: 1500,
    outputTokens: 3000,
  }),
  buckets: [
    bucket('2026-11-25T10:00:00Z', 100, 3),
    bucket('2026-11-25T11:00:00Z', 50, 0),
  ],
  keys: [
    {
      clientId: 'key-k1',
      keyId: 'k1',
      keyName: 'ci-client',
      totals: usageTotals({ requests: 120, inputTokens: 1200 }),
      latency: [
        {
          metric: 'request',
          count: 120,
          p50: 0.08,
          p95: 0.31,
          p99: 0.9,
          source: 'access-log',
        },
      ],
      cost: 1.25,
      buckets: [
        bucket('2026-11-25T10:00:00Z', 90),
        bucket('2026-11-25T11:00:00Z', 30),
      ],
    },
    {
      clientId: 'key-k2',
      keyId: 'k2',
      keyName: 'batch',
      totals: usageTotals({ requests: 30 }),
      cost: 0.25,
      buckets: [
        bucket('2026-11-25T10:00:00Z', 10),
        bucket('2026-11-25T11:00:00Z', 20),
      ],
    },
  ],
  latency: [
    {
      metric: 'request',
      count: 150,
      p50: 0.085,
      p95: 0.25,
      p99: 1.2,
      source: 'access-log',
    },
    {
      metric: 'ttft',
      count: 150,
      p50: 0.04,
      p95: 0.12,
      p99: 0.5,
      source: 'prometheus',
    },
  ],
  approximations: [NOTE],
  cost: {
    currency: 'USD',
    total: 1.5,
    prices: { requestsPerThousand: 10 },
  },
});

const cellsOf = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .map(row =>
      Array.from(row.querySelectorAll('th, td')).map(c => c.textContent),
    );

describe('UsageCards: latency, errors by class, cost, range, hover, per key', () => {
  it('shows the percentiles, error classes, approximations and costs the API returned', async () => {
    const api = mockModelPublishingApi({ getUsage: async () => report });
    await renderWithApis(
      <UsageCards address={address} modelKind="openai" permissions={perms} />,
      { api },
    );
    const latency = await screen.findByRole('table', {
      name: 'Latency percentiles',
    });
    expect(cellsOf(latency)).toEqual([
      ['Metric', 'p50', 'p95', 'p99'],
      ['Request duration', '85 ms', '250 ms', '1.2 s'],
      ['Time to first token', '40 ms', '120 ms', '500 ms'],
    ]);
    expect(
      cellsOf(screen.getByRole('table', { name: 'Errors by class' })),
    ).toEqual([
      ['401 No valid key', '2'],
      ['403 Forbidden', '1'],
      ['429 Rate limited', '3'],
      ['Other 4xx', '4'],
      ['5xx Server errors', '5'],
    ]);
    expect(screen.getByText(`Note: ${NOTE}`)).toBeInTheDocument();
    expect(screen.getByText('Cost:').parentElement).toHaveTextContent(
      'Cost: $1.50',
    );
    const keys = cellsOf(screen.getByRole('table', { name: 'Usage per key' }));
    expect(keys[0]).toContain('p95 latency');
    expect(keys[0]).toContain('Cost (USD)');
    expect(keys[1][0]).toBe('ci-client');
    expect(keys[1]).toContain('310 ms');
    expect(keys[1]).toContain('$1.25');
    expect(keys[2]).toContain('$0.25');
  });

  it('shows no TTFT for predictive models', async () => {
    const api = mockModelPublishingApi({ getUsage: async () => report });
    await renderWithApis(
      <UsageCards address={address} modelKind="v1" permissions={perms} />,
      { api },
    );
    const latency = await screen.findByRole('table', {
      name: 'Latency percentiles',
    });
    expect(within(latency).queryByText('Time to first token')).toBeNull();
  });

  it('asks the API for a custom range of whole local days', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({ getUsage: async () => report });
    await renderWithApis(
      <UsageCards address={address} modelKind="v1" permissions={perms} />,
      { api },
    );
    await screen.findByRole('table', { name: 'Usage per key' });
    await user.click(screen.getByRole('button', { name: 'Custom range' }));
    fireEvent.change(screen.getByLabelText('From'), {
      target: { value: '2026-11-02' },
    });
    fireEvent.change(screen.getByLabelText('To'), {
      target: { value: '2026-11-03' },
    });
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(api.getUsage).toHaveBeenCalledTimes(2));
    expect(api.getUsage.mock.calls[1]).toEqual([
      address,
      {
        from: new Date('2026-11-02T00:00:00').toISOString(),
        to: new Date('2026-11-04T00:00:00').toISOString(),
        granularity: 'hour',
        series: 'keys',
      },
    ]);

    // a range ending before it starts is refused in the form's words, nothing asked
    fireEvent.change(screen.getByLabelText('From'), {
      target: { value: '2026-11-09' },
    });
    expect(
      screen.getByText('The end date is before the start date.'),
    ).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(api.getUsage).toHaveBeenCalledTimes(2);
  });

  it('reads a bucket’s values by keyboard and on hover', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({ getUsage: async () => report });
    await renderWithApis(
      <UsageCards address={address} modelKind="v1" permissions={perms} />,
      { api },
    );
    const chart = await screen.findByRole('group', {
      name: /Requests and errors over time/,
    });
    act(() => chart.focus());
    // focus starts at the newest bucket; ← goes back one
    await waitFor(() =>
      expect(
        within(chart.parentElement!).getByRole('status'),
      ).toHaveTextContent(/: Requests 50, Errors 0$/),
    );
    await user.keyboard('{ArrowLeft}');
    const status = within(chart.parentElement!).getByRole('status');
    expect(status).toHaveTextContent(/: Requests 100, Errors 3$/);
    await user.keyboard('{Escape}');
    expect(status).toHaveTextContent('');

    const svg = within(chart).getByRole('img');
    svg.getBoundingClientRect = () =>
      ({ left: 0, top: 0, width: 600, height: 180 } as DOMRect);
    fireEvent.mouseMove(svg, { clientX: 590, clientY: 50 });
    expect(status).toHaveTextContent(/: Requests 50, Errors 0$/);
    expect(screen.getByTestId('chart-marker')).toBeInTheDocument();
    fireEvent.mouseLeave(svg);
    expect(screen.queryByTestId('chart-marker')).toBeNull();
  });

  it('draws one line per key from the keys’ buckets', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({ getUsage: async () => report });
    await renderWithApis(
      <UsageCards address={address} modelKind="openai" permissions={perms} />,
      { api },
    );
    await user.click(await screen.findByRole('button', { name: 'Per key' }));
    expect(
      screen.getByRole('img', {
        name: 'Requests per key over time: ci-client total 120, batch total 30',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: 'Tokens per key over time: ci-client total 3600, batch total 900',
      }),
    ).toBeInTheDocument();
  });
});
