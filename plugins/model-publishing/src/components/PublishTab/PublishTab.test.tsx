import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Entity } from '@backstage/catalog-model';
import {
  address,
  makeEntity,
  mockModelPublishingApi,
  modelInfo,
  publication,
  renderWithApis,
  usageReport,
} from '../../__testUtils__/testUtils';
import { PublishTab } from './PublishTab';

const forbidden = Object.assign(new Error('forbidden'), { statusCode: 403 });

function liveApi(overrides = {}) {
  return mockModelPublishingApi({
    getModel: async () => ({ model: modelInfo(), publication: publication() }),
    listKeys: async () => ({ items: [] }),
    getUsage: async () => usageReport(),
    getGuide: async () => ({ markdown: '# Guide\n\nUse a key.', openapi: {} }),
    listAudit: async () => ({ items: [] }),
    ...overrides,
  });
}

async function renderTab(
  api: ReturnType<typeof mockModelPublishingApi>,
  options: { deny?: string[] | 'all'; entity?: Entity } = {},
) {
  return renderWithApis(<PublishTab />, {
    api,
    entity: options.entity ?? makeEntity(),
    deny: options.deny,
  });
}

describe('PublishTab', () => {
  it('addresses the model from the annotations (default cluster)', async () => {
    const api = liveApi();
    await renderTab(api);
    await screen.findByText('Publication');
    expect(api.getModel).toHaveBeenCalledWith(address);
  });

  it('uses the cluster annotation when present', async () => {
    const api = liveApi();
    await renderTab(api, {
      entity: makeEntity({
        'model-publishing/inference-service': 'team-a/fraud-detector',
        'model-publishing/cluster': 'prod',
      }),
    });
    await screen.findByText('Publication');
    expect(api.getModel).toHaveBeenCalledWith({ ...address, cluster: 'prod' });
  });

  it('explains a bad annotation', async () => {
    await renderTab(liveApi(), {
      entity: makeEntity({ 'model-publishing/inference-service': 'nope' }),
    });
    expect(
      await screen.findByText(/Not an InferenceService/),
    ).toBeInTheDocument();
  });

  it('shows loading, then an unpublished model with the form', async () => {
    let resolve: (v: any) => void = () => {};
    const api = liveApi({
      getModel: () =>
        new Promise(r => {
          resolve = r;
        }),
    });
    await renderTab(api);
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    resolve({ model: modelInfo() });
    expect(await screen.findByText('Not published')).toBeInTheDocument();
    expect(
      screen.getByText(/not reachable from outside the cluster/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Publish' })).toBeInTheDocument();
    expect(screen.queryByText('API keys')).not.toBeInTheDocument();
  });

  it('shows an error panel when the model cannot be loaded, and a permission message on 403', async () => {
    await renderTab(
      liveApi({
        getModel: async () => {
          throw new Error('cluster unreachable');
        },
      }),
    );
    expect(
      (await screen.findAllByText(/cluster unreachable/)).length,
    ).toBeGreaterThan(0);
  });

  it('says so when the user may not read the publication', async () => {
    await renderTab(
      liveApi({
        getModel: async () => {
          throw forbidden;
        },
      }),
    );
    expect(
      await screen.findByText("You can't see this model's publication"),
    ).toBeInTheDocument();
  });

  it('shows a published model: status, kind, endpoint with copy, keys, usage, guide and audit', async () => {
    await renderTab(liveApi());
    expect(await screen.findByText('Published')).toBeInTheDocument();
    expect(screen.getAllByText(/KServe v1 predict/).length).toBeGreaterThan(0);
    expect(
      screen.getByText(
        'https://models.example.com/models/team-a/fraud-detector',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', {
        name: 'Copy endpoint https://models.example.com/models/team-a/fraud-detector',
      }),
    ).toBeInTheDocument();
    expect(await screen.findByText('No API keys yet')).toBeInTheDocument();
    expect(
      await screen.findByText('No traffic in this range'),
    ).toBeInTheDocument();
    expect(await screen.findByText('Use a key.')).toBeInTheDocument();
    expect(await screen.findByText('No audit entries yet')).toBeInTheDocument();
  });

  it('shows per-step progress while publishing and polls until done', async () => {
    const publishing = publication({
      status: 'publishing',
      objects: publication().objects.slice(0, 2),
    });
    const getModel = jest
      .fn()
      .mockResolvedValueOnce({ model: modelInfo(), publication: publishing })
      .mockResolvedValue({ model: modelInfo(), publication: publication() });
    await renderTab(liveApi({ getModel }));
    const progress = await screen.findByLabelText('Publishing progress');
    expect(within(progress).getByText('API key secret')).toBeInTheDocument();
    expect(
      within(progress).getByText('Route (endpoint goes live)'),
    ).toBeInTheDocument();
    expect(
      within(progress).getByText('Secret/fraud-detector-mp-keys'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Publish' })).toBeDisabled();
    await waitFor(
      () => expect(screen.getByText('Published')).toBeInTheDocument(),
      { timeout: 5000 },
    );
    expect(getModel.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(
      screen.queryByLabelText('Publishing progress'),
    ).not.toBeInTheDocument();
  });

  it('shows the failure reason and retries with the last config', async () => {
    const user = userEvent.setup();
    const failed = publication({
      status: 'failed',
      statusReason: 'SecurityPolicy rejected: admission webhook denied',
      config: { rateLimits: { requestsPerHour: 7 } },
    });
    const api = liveApi({
      getModel: async () => ({ model: modelInfo(), publication: failed }),
      publish: async () => ({ publication: publication() }),
    });
    await renderTab(api);
    expect(
      await screen.findByText(
        /Publishing failed: SecurityPolicy rejected: admission webhook denied/,
      ),
    ).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() =>
      expect(api.publish).toHaveBeenCalledWith(address, {
        rateLimits: { requestsPerHour: 7 },
      }),
    );
  });

  it('shows a degraded publication with its reason', async () => {
    await renderTab(
      liveApi({
        getModel: async () => ({
          model: modelInfo(),
          publication: publication({
            status: 'degraded',
            statusReason: 'route not accepted by the gateway',
          }),
        }),
      }),
    );
    expect(
      await screen.findByText(
        /The publication is degraded: route not accepted by the gateway/,
      ),
    ).toBeInTheDocument();
  });

  it('disables Retry and every change when the user lacks the permissions (real usePermission)', async () => {
    const failed = publication({ status: 'failed', statusReason: 'boom' });
    const api = liveApi({
      getModel: async () => ({ model: modelInfo(), publication: failed }),
    });
    await renderTab(api, {
      deny: [
        'model-publishing.publication.create',
        'model-publishing.publication.update',
        'model-publishing.publication.delete',
        'model-publishing.audit.read',
      ],
    });
    await screen.findByText(/Publishing failed: boom/);
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Retry' })).toBeDisabled(),
    );
    expect(screen.getByRole('button', { name: 'Publish' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Unpublish' })).toBeDisabled();
    expect(
      screen.getByText(/permission to read the audit history/),
    ).toBeInTheDocument();
    expect(api.listAudit).not.toHaveBeenCalled();
  });

  it('hides usage and does not call it without usage.read', async () => {
    const api = liveApi();
    await renderTab(api, { deny: ['model-publishing.usage.read'] });
    await screen.findByText('Published');
    expect(
      await screen.findByText(/permission to read usage/),
    ).toBeInTheDocument();
    expect(api.getUsage).not.toHaveBeenCalled();
  });

  it('reloads the audit history and guide after a key is created', async () => {
    const user = userEvent.setup();
    const api = liveApi({
      createKey: async () => ({
        key: {
          ...publication(),
          id: 'k9',
          publicationId: 'pub-1',
          name: 'x',
          prefix: 'mpk_x',
          clientId: 'key-k9',
          createdBy: 'u',
          createdAt: 'now',
          status: 'active',
        } as any,
        secret: 'mpk_secret',
      }),
    });
    await renderTab(api);
    await screen.findByText('No audit entries yet');
    expect(api.listAudit).toHaveBeenCalledTimes(1);
    await user.click(await screen.findByRole('button', { name: 'Create key' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Create API key',
    });
    await user.type(within(dialog).getByLabelText('Key name'), 'x');
    await user.click(
      within(dialog).getByRole('button', { name: 'Create key' }),
    );
    await screen.findByDisplayValue('mpk_secret');
    await waitFor(() => expect(api.listAudit).toHaveBeenCalledTimes(2));
    expect(api.getGuide).toHaveBeenCalledTimes(2);
  });
});
