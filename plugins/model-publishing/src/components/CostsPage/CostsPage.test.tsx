import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { alertApiRef } from '@backstage/core-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SWRConfig } from 'swr';
import type {
  Budget,
  ChargebackReport,
} from '@model-publishing/plugin-model-publishing-common';
import { alertApi, permissionApi } from '../../__testUtils__/testUtils';
import { ModelCostsApi, modelCostsApiRef } from '../../api/ModelCostsApi';
import { CostsPage } from './CostsPage';
import { monthOf, shiftMonth } from './costs';

const thisMonth = monthOf(new Date());
const lastMonth = shiftMonth(thisMonth, -1);

/** A three-level org: group:platform → group:team-a → user:alice (and a component under a system). */
function chargeback(month: string): ChargebackReport {
  return {
    month,
    currency: 'USD',
    days: [`${month}-01T00:00:00.000Z`, `${month}-02T00:00:00.000Z`],
    total: 12.5,
    lines: [
      {
        ref: 'group:default/platform',
        kind: 'group',
        title: 'Platform',
        depth: 0,
        ownCost: 0,
        totalCost: 10.25,
        requests: 1200,
        inputTokens: 50000,
        outputTokens: 20000,
        costPerDay: [4, 6.25],
      },
      {
        ref: 'group:default/team-a',
        kind: 'group',
        parent: 'group:default/platform',
        depth: 1,
        ownCost: 2.25,
        totalCost: 10.25,
        requests: 1200,
        inputTokens: 50000,
        outputTokens: 20000,
        costPerDay: [4, 6.25],
      },
      {
        ref: 'user:default/alice',
        kind: 'user',
        parent: 'group:default/team-a',
        depth: 2,
        ownCost: 8,
        totalCost: 8,
        requests: 900,
        inputTokens: 40000,
        outputTokens: 15000,
        costPerDay: [3, 5],
      },
      {
        ref: 'domain:default/payments',
        kind: 'domain',
        depth: 0,
        ownCost: 0,
        totalCost: 2.25,
        requests: 30,
        inputTokens: 0,
        outputTokens: 0,
        costPerDay: [0, 2.25],
      },
    ],
    keys: [
      {
        publicationId: 'pub-1',
        model: 'team-a/llama',
        keyId: 'k1',
        keyName: 'alice-laptop',
        clientId: 'key-k1',
        consumer: 'user:default/alice',
        cost: 8,
      },
      {
        publicationId: 'pub-1',
        model: 'team-a/llama',
        keyId: 'k2',
        keyName: 'team-ci',
        clientId: 'key-k2',
        consumer: 'group:default/team-a',
        cost: 2.25,
      },
    ],
    providers: [
      { owner: 'group:default/ml', cost: 12.5, costPerDay: [4, 8.5] },
    ],
  };
}

const budget: Budget = {
  consumerRef: 'group:default/team-a',
  monthlyAmount: 12,
  updatedBy: 'user:default/admin',
  updatedAt: '2026-11-01T09:00:00Z',
};

function mockApi(overrides: Partial<ModelCostsApi> = {}) {
  return {
    getChargeback: jest.fn(async (month: string) => chargeback(month)),
    getChargebackCsvUrl: jest.fn(
      async (month: string) =>
        `http://localhost:7007/api/model-publishing/usage/chargeback.csv?month=${month}`,
    ),
    downloadChargebackCsv: jest.fn(
      async () => new Blob(['month,ref\r\n'], { type: 'text/csv' }),
    ),
    listBudgets: jest.fn(async () => [budget]),
    setBudget: jest.fn(
      async (b: { consumerRef: string; monthlyAmount: number }) => ({
        ...b,
        updatedBy: 'user:default/admin',
        updatedAt: '2026-12-01T00:00:00Z',
      }),
    ),
    removeBudget: jest.fn(async () => undefined),
    ...overrides,
  } as jest.Mocked<ModelCostsApi>;
}

async function renderPage(api: ModelCostsApi, admin: boolean) {
  await renderInTestApp(
    // usePermission caches answers in SWR's global cache: each render gets its own, so one test's
    // permission (admin or not) is not what the next one sees.
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider
        apis={
          [
            [modelCostsApiRef, api],
            [
              permissionApiRef,
              permissionApi(admin ? [] : ['model-publishing.costs.admin']),
            ],
            [alertApiRef, alertApi],
          ] as any
        }
      >
        <CostsPage />
      </TestApiProvider>
    </SWRConfig>,
  );
}

describe('CostsPage', () => {
  it('shows the month the API returned: total, every line rolled up with the figures sent, keys and providers', async () => {
    const api = mockApi();
    await renderPage(api, true);
    expect(api.getChargeback).toHaveBeenCalledWith(thisMonth);
    const table = await screen.findByRole('table', {
      name: 'Costs per consumer',
    });
    expect(screen.getByText(/^Total:/)).toHaveTextContent('Total: $12.50');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(4);
    // MUI's body <th> cells have the role cell: the first cell names the line
    const cells = (i: number) =>
      within(rows[i])
        .getAllByRole('cell')
        .map(c => c.textContent);
    expect(cells(0)[0]).toBe('Platform (group:default/platform)');
    expect(cells(0).slice(1, 7)).toEqual([
      'group',
      '$10.25',
      '$0.00',
      '1,200',
      '50,000',
      '20,000',
    ]);
    // nested lines indent under their parent, in the API's order
    expect(cells(2).slice(0, 4)).toEqual([
      '└ user:default/alice',
      'user',
      '$8.00',
      '$8.00',
    ]);
    expect(within(rows[2]).getAllByRole('cell')[0].style.paddingLeft).toBe(
      '64px',
    );

    const keys = screen.getByRole('table', { name: 'Costs per key' });
    const keyRows = within(keys).getAllByRole('row').slice(1);
    expect(within(keyRows[0]).getAllByRole('cell')[0]).toHaveTextContent(
      'alice-laptop',
    );
    expect(keyRows[0]).toHaveTextContent('$8.00');
    const providers = screen.getByRole('table', {
      name: 'Costs per owning team',
    });
    expect(providers).toHaveTextContent('group:default/ml');
    expect(providers).toHaveTextContent('$12.50');
  });

  it('asks the API for the month chosen (previous button and typed month)', async () => {
    const api = mockApi();
    await renderPage(api, false);
    await screen.findByRole('table', { name: 'Costs per consumer' });
    expect(screen.getByRole('button', { name: 'Next month' })).toBeDisabled();
    await userEvent.click(
      screen.getByRole('button', { name: 'Previous month' }),
    );
    await waitFor(() =>
      expect(api.getChargeback).toHaveBeenLastCalledWith(lastMonth),
    );
    fireEvent.change(screen.getByLabelText('Month'), {
      target: { value: '2025-03' },
    });
    await waitFor(() =>
      expect(api.getChargeback).toHaveBeenLastCalledWith('2025-03'),
    );
    expect(await screen.findByText(/Costs in March 2025/)).toBeInTheDocument();
  });

  it('links the CSV route of the month shown and downloads it with the user’s credentials', async () => {
    const api = mockApi();
    const createObjectURL = jest.fn(() => 'blob:costs');
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    await renderPage(api, false);
    await screen.findByRole('table', { name: 'Costs per consumer' });
    const link = await screen.findByRole('link', { name: /Download CSV/ });
    await waitFor(() =>
      expect(link).toHaveAttribute(
        'href',
        `http://localhost:7007/api/model-publishing/usage/chargeback.csv?month=${thisMonth}`,
      ),
    );
    await userEvent.click(link);
    await waitFor(() =>
      expect(api.downloadChargebackCsv).toHaveBeenCalledWith(thisMonth),
    );
    expect(createObjectURL).toHaveBeenCalled();
  });

  it('shows budgets against the month’s spend; admins edit them and the API gets the amount typed', async () => {
    const api = mockApi();
    await renderPage(api, true);
    const table = await screen.findByRole('table', {
      name: 'Budgets per consumer',
    });
    const row = within(table).getAllByRole('row')[1];
    // team-a spent 10.25 of 12: 85 %, past the first notice
    expect(row).toHaveTextContent('$12.00');
    expect(row).toHaveTextContent('$10.25');
    expect(row).toHaveTextContent('85 % (near budget)');
    await userEvent.click(
      await within(row).findByRole('button', {
        name: 'Edit budget of group:default/team-a',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    const amount = within(dialog).getByLabelText(/Monthly amount/);
    await userEvent.clear(amount);
    await userEvent.type(amount, '0');
    expect(
      within(dialog).getByText('Enter an amount above 0.'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Save budget' }),
    ).toBeDisabled();
    await userEvent.clear(amount);
    await userEvent.type(amount, '20');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Save budget' }),
    );
    await waitFor(() =>
      expect(api.setBudget).toHaveBeenCalledWith({
        consumerRef: 'group:default/team-a',
        monthlyAmount: 20,
      }),
    );
    await waitFor(() => expect(api.listBudgets).toHaveBeenCalledTimes(2));
  });

  it('lets admins remove a budget by keyboard after confirming', async () => {
    const api = mockApi();
    await renderPage(api, true);
    const table = await screen.findByRole('table', {
      name: 'Budgets per consumer',
    });
    const remove = await within(table).findByRole('button', {
      name: 'Remove budget of group:default/team-a',
    });
    remove.focus();
    await userEvent.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', {
      name: 'Remove the budget of group:default/team-a',
    });
    expect(api.removeBudget).not.toHaveBeenCalled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Remove budget' }),
    );
    await waitFor(() =>
      expect(api.removeBudget).toHaveBeenCalledWith('group:default/team-a'),
    );
    await waitFor(() => expect(api.listBudgets).toHaveBeenCalledTimes(2));
  });

  it('does not offer budget edits without costs.admin', async () => {
    const api = mockApi();
    await renderPage(api, false);
    await screen.findByRole('table', { name: 'Budgets per consumer' });
    expect(
      screen.queryByRole('button', { name: 'Set a budget' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Edit budget/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Remove budget/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Costs per owning team' }),
    ).not.toBeInTheDocument();
  });

  it('says so when the month has no costs and no budgets', async () => {
    const api = mockApi({
      getChargeback: jest.fn(async (month: string) => ({
        ...chargeback(month),
        total: 0,
        lines: [],
        keys: [],
        providers: [],
      })),
      listBudgets: jest.fn(async () => []),
    });
    await renderPage(api, false);
    expect(await screen.findByText(/^No costs in /)).toBeInTheDocument();
    expect(screen.getByText('No budgets set')).toBeInTheDocument();
  });

  it('shows the server’s error when the month cannot be loaded', async () => {
    const api = mockApi({
      getChargeback: jest.fn(async () => {
        throw new Error('chargeback needs the catalog');
      }),
    });
    await renderPage(api, false);
    expect(
      (await screen.findAllByText(/chargeback needs the catalog/))[0],
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Costs per consumer' }),
    ).not.toBeInTheDocument();
  });
});
