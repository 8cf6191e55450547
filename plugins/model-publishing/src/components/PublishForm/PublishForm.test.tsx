import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  address,
  lowOpenai,
  mockModelPublishingApi,
  modelInfo,
  openaiHigh,
  publication,
  renderWithApis,
} from '../../__testUtils__/testUtils';
import { ModelPermissions } from '../../hooks/useModelPermissions';
import { PublishForm } from './PublishForm';

const all = (value: boolean): ModelPermissions => ({
  loading: false,
  allowed: {
    read: value,
    create: value,
    update: value,
    delete: value,
    keyCreate: value,
    keyRotate: value,
    keyRevoke: value,
    usage: value,
    audit: value,
  },
});

async function renderForm(
  props: Partial<Parameters<typeof PublishForm>[0]> & { api?: any },
) {
  const api = props.api ?? mockModelPublishingApi();
  const onChanged = jest.fn();
  await renderWithApis(
    <PublishForm
      address={address}
      model={props.model ?? modelInfo()}
      publication={props.publication}
      permissions={props.permissions ?? all(true)}
      onChanged={onChanged}
    />,
    { api },
  );
  return { api, onChanged };
}

describe('PublishForm', () => {
  it('shows the detected kind with its reason and no kind chooser when sure', async () => {
    await renderForm({});
    expect(screen.getByText(/KServe v1 predict/)).toBeInTheDocument();
    expect(
      screen.getByText(/sklearn predictor without protocolVersion/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('radiogroup')).not.toBeInTheDocument();
    expect(
      screen.queryByLabelText('Tokens per minute'),
    ).not.toBeInTheDocument();
    // A predictive model may have a hostname of its own and a description too (issue 23, item 13).
    expect(screen.getByLabelText(/Hostname/)).toBeInTheDocument();
    expect(screen.getByLabelText(/Description/)).toBeInTheDocument();
  });

  it('shows a non-owner the settings read-only and where to request access (issue 23, item 6)', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi();
    await renderForm({
      api,
      model: { ...modelInfo(), entityRef: 'component:default/fraud-detector' },
      publication: publication({
        config: {
          rateLimits: { requestsPerMinute: 60 },
          description: 'Scores payments',
        },
      }),
      permissions: {
        ...all(false),
        allowed: { ...all(false).allowed, read: true },
      },
    });
    const perMinute = screen.getByLabelText('Requests per minute');
    expect(perMinute).toHaveValue(60);
    expect(perMinute).toHaveAttribute('readonly');
    await user.type(perMinute, '5');
    expect(perMinute).toHaveValue(60);
    expect(screen.getByLabelText(/Description/)).toHaveAttribute('readonly');
    expect(
      screen.getByText(
        /Only the owners of this model can change how it is published/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'request access' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/fraud-detector/access',
    );
    expect(screen.queryByText(/No limit is set/)).not.toBeInTheDocument();
    // The buttons stay, disabled, saying why.
    expect(screen.getByRole('button', { name: 'Update' })).toBeDisabled();
  });

  it('does not offer a first key to someone who may not publish', async () => {
    await renderForm({ permissions: all(false) });
    expect(
      screen.queryByLabelText('First API key name'),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText(/Only the owners of this model can publish it/),
    ).toBeInTheDocument();
  });

  it('sends the description and hostname of a predictive model', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      publish: async () => ({ publication: publication() }),
    });
    await renderForm({ api });
    await user.type(
      screen.getByLabelText(/Hostname/),
      'fraud.models.example.com',
    );
    await user.type(
      screen.getByLabelText(/Description/),
      'Scores card payments',
    );
    await user.click(screen.getByRole('button', { name: 'Publish' }));
    await waitFor(() => expect(api.publish).toHaveBeenCalled());
    expect(api.publish.mock.calls[0][1]).toMatchObject({
      hostname: 'fraud.models.example.com',
      description: 'Scores card payments',
    });
  });

  it('warns when no limit is set and when limits contradict each other', async () => {
    const user = userEvent.setup();
    await renderForm({});
    expect(
      screen.queryByRole('status', { name: 'Limit warnings' }),
    ).not.toBeInTheDocument();
    await user.clear(screen.getByLabelText('Requests per minute'));
    expect(
      screen.getByText(/No limit is set: every key may send as many requests/),
    ).toBeInTheDocument();
    await user.type(screen.getByLabelText('Requests per minute'), '100');
    await user.type(screen.getByLabelText('Requests per hour'), '50');
    expect(
      screen.getByText(
        '100 requests per minute is more than the 50 per hour: the per-hour limit is reached first, so the per-minute limit never applies.',
      ),
    ).toBeInTheDocument();
  });

  it('asks the owner to choose the kind when detection is unsure, and sends the choice', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      publish: async () => ({ publication: publication() }),
    });
    const { onChanged } = await renderForm({
      api,
      model: modelInfo(lowOpenai),
    });
    expect(screen.getByText(/Please confirm/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Publish' }));
    expect(
      await screen.findByText('Choose the kind of API this model serves'),
    ).toBeInTheDocument();
    expect(api.publish).not.toHaveBeenCalled();
    await user.click(screen.getByLabelText('Open Inference Protocol (v2)'));
    await user.click(screen.getByRole('button', { name: 'Publish' }));
    await waitFor(() => expect(api.publish).toHaveBeenCalled());
    expect(api.publish.mock.calls[0][1].modelKind).toBe('v2');
    expect(onChanged).toHaveBeenCalled();
  });

  it('shows token limits and hostname only for OpenAI-compatible models', async () => {
    await renderForm({ model: modelInfo(openaiHigh) });
    expect(screen.getByLabelText('Tokens per minute')).toBeInTheDocument();
    expect(screen.getByLabelText(/Hostname/)).toBeInTheDocument();
  });

  it('shows inline validation messages and does not call the backend', async () => {
    const user = userEvent.setup();
    const { api } = await renderForm({});
    const perMinute = screen.getByLabelText('Requests per minute');
    await user.clear(perMinute);
    await user.type(perMinute, '0');
    await user.clear(screen.getByLabelText('First API key name'));
    await user.type(screen.getByLabelText('First API key name'), '!bad');
    // Shown while typing, before anything is sent, in the form's words.
    expect(
      screen.getByText(
        'Requests per minute must be at least 1 (leave it empty for no limit)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/The key name may contain letters/),
    ).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Publish' }));
    expect(api.publish).not.toHaveBeenCalled();
  });

  it("shows the backend's 400 message", async () => {
    const user = userEvent.setup();
    const error = Object.assign(new Error('Request failed with 400'), {
      statusCode: 400,
      body: {
        error: {
          name: 'InputError',
          message:
            'rateLimits.requestsPerDay: exceeds the tenant quota of 10000',
        },
      },
    });
    const api = mockModelPublishingApi({
      publish: async () => {
        throw error;
      },
    });
    await renderForm({ api });
    await user.click(screen.getByRole('button', { name: 'Publish' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'rateLimits.requestsPerDay: exceeds the tenant quota of 10000',
    );
  });

  it('previews the objects of a dry run, expandable to their manifest', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      dryRun: async () => ({
        objects: [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'fraud-detector-mp-keys' },
          },
          {
            apiVersion: 'gateway.networking.k8s.io/v1',
            kind: 'HTTPRoute',
            metadata: { name: 'fraud-detector-mp' },
            spec: { hostnames: ['h.example.com'] },
          },
        ],
      }),
    });
    await renderForm({ api });
    await user.click(screen.getByRole('button', { name: 'Preview' }));
    expect(
      await screen.findByText('2 objects will be created, in this order:'),
    ).toBeInTheDocument();
    expect(screen.getByText('HTTPRoute')).toBeInTheDocument();
    expect(screen.queryByText(/h\.example\.com/)).not.toBeInTheDocument();
    await user.click(screen.getByText('HTTPRoute'));
    expect(await screen.findByText(/h\.example\.com/)).toBeInTheDocument();
    expect(api.publish).not.toHaveBeenCalled();
  });

  it("previews an update as a diff against what runs, with the backend's notes (issue 23 item 13)", async () => {
    const user = userEvent.setup();
    const policy = (requests: number) => ({
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name: 'fraud-detector-mp' },
      spec: { rateLimit: { global: { rules: [{ limit: { requests } }] } } },
    });
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'fraud-detector-mp' },
    };
    const api = mockModelPublishingApi({
      dryRun: async () => ({
        objects: [policy(5), route],
        current: [policy(60), route],
        notes: [
          'KServe RawDeployment: the route targets the predictor Service',
        ],
      }),
    });
    await renderForm({ api, publication: publication() });
    const perMinute = screen.getByLabelText('Requests per minute');
    await user.clear(perMinute);
    await user.type(perMinute, '5');
    await user.click(screen.getByRole('button', { name: 'Preview changes' }));
    await waitFor(() =>
      expect(api.dryRun).toHaveBeenCalledWith(
        address,
        { rateLimits: { requestsPerMinute: 5 } },
        'update',
      ),
    );
    expect(
      await screen.findByText(
        '1 of 2 objects change (compared with what the current settings run):',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Dry run notes' })).getByText(
        'KServe RawDeployment: the route targets the predictor Service',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/changed · 1 line added, 1 removed/),
    ).toBeInTheDocument();
    expect(screen.getByText('unchanged')).toBeInTheDocument();
    await user.click(screen.getByText('BackendTrafficPolicy'));
    const diff = await screen.findByLabelText(
      'Diff of BackendTrafficPolicy fraud-detector-mp',
    );
    expect(diff).toHaveTextContent('- "requests": 60');
    expect(diff).toHaveTextContent('+ "requests": 5');
    expect(api.updatePublication).not.toHaveBeenCalled();
  });

  it('adds, edits and removes plans; the publish sends them and the preview lists them', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      dryRun: async () => ({
        objects: [
          {
            apiVersion: 'gateway.envoyproxy.io/v1alpha1',
            kind: 'BackendTrafficPolicy',
            metadata: { name: 'fraud-detector-mp' },
            spec: {
              rateLimit: {
                global: {
                  rules: [
                    { limit: { requests: 60, unit: 'Minute' } },
                    { limit: { requests: 100000, unit: 'Month' } },
                  ],
                },
              },
            },
          },
        ],
      }),
    });
    await renderForm({ api });
    await user.type(screen.getByLabelText('Requests per month'), '100000');
    const defaultPlan = screen.getByRole('group', {
      name: 'Plan default (the limits above)',
    });
    await user.selectOptions(
      within(defaultPlan).getByLabelText('Approval'),
      'automatic',
    );

    await user.click(screen.getByRole('button', { name: 'Add plan' }));
    await user.click(screen.getByRole('button', { name: 'Add plan' }));
    // Both new plans are checked when the form is sent: an empty name is named as the problem.
    await user.click(screen.getByRole('button', { name: 'Preview' }));
    expect(
      await screen.findAllByText('Give the plan a name, e.g. trial'),
    ).toHaveLength(2);
    expect(api.dryRun).not.toHaveBeenCalled();

    const first = screen.getByRole('group', { name: 'New plan 1' });
    await user.type(within(first).getByLabelText('Plan name'), 'pro');
    const pro = screen.getByRole('group', { name: 'Plan pro' });
    await user.type(
      within(pro).getByLabelText('Plan description (optional)'),
      'For production',
    );
    await user.type(within(pro).getByLabelText('Requests per minute'), '600');
    await user.type(
      within(pro).getByLabelText('Requests per month'),
      '5000000',
    );
    await user.type(
      within(pro).getByLabelText('Longest key lifetime (days)'),
      '90',
    );
    await user.click(screen.getByRole('button', { name: 'Remove New plan 2' }));
    expect(screen.queryByRole('group', { name: 'New plan 2' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Preview' }));
    const expected = {
      rateLimits: { requestsPerMinute: 60, requestsPerMonth: 100000 },
      firstKey: { name: 'default' },
      plans: [
        { name: 'default', approval: 'automatic' },
        {
          name: 'pro',
          description: 'For production',
          approval: 'manual',
          rateLimits: { requestsPerMinute: 600, requestsPerMonth: 5000000 },
          maxKeyLifetimeDays: 90,
        },
      ],
    };
    await waitFor(() =>
      expect(api.dryRun).toHaveBeenCalledWith(address, expected),
    );
    const plans = await screen.findByRole('table', {
      name: 'Plans in this preview',
    });
    const rows = within(plans)
      .getAllByRole('row')
      .map(r => r.textContent);
    expect(rows.slice(1)).toEqual([
      'default60 requests/minute, 100,000 requests/monthautomatic (key at once)no lifetime limit',
      'proFor production600 requests/minute, 5,000,000 requests/monthmanual (owners approve)keys live at most 90 days',
    ]);
    expect(screen.getByText(/2 rate-limit rules/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Publish' }));
    await waitFor(() =>
      expect(api.publish).toHaveBeenCalledWith(address, expected),
    );
  });

  it("shows a live publication's plans and sends them back on update", async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      updatePublication: async () => ({ publication: publication() }),
    });
    const live = publication();
    live.config = {
      ...live.config,
      plans: [
        {
          name: 'trial',
          approval: 'automatic',
          rateLimits: { requestsPerDay: 100 },
        },
      ],
    };
    await renderForm({ api, publication: live });
    const trial = screen.getByRole('group', { name: 'Plan trial' });
    expect(within(trial).getByLabelText('Requests per day')).toHaveValue(100);
    await user.clear(within(trial).getByLabelText('Requests per day'));
    await user.type(within(trial).getByLabelText('Requests per day'), '200');
    await user.click(screen.getByRole('button', { name: 'Update' }));
    await waitFor(() =>
      expect(api.updatePublication).toHaveBeenCalledWith(
        address,
        expect.objectContaining({
          plans: [
            {
              name: 'trial',
              approval: 'automatic',
              rateLimits: { requestsPerDay: 200 },
            },
          ],
        }),
      ),
    );
  });

  it('shows plans read-only to someone who may not change them', async () => {
    const live = publication();
    live.config = {
      ...live.config,
      plans: [{ name: 'trial', approval: 'automatic', rateLimits: {} }],
    };
    await renderForm({ publication: live, permissions: all(false) });
    const trial = screen.getByRole('group', { name: 'Plan trial' });
    expect(within(trial).getByLabelText('Plan name')).toHaveAttribute(
      'readonly',
    );
    expect(screen.queryByRole('button', { name: 'Add plan' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Remove/ })).toBeNull();
  });

  it('shows the first key once after publishing', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      publish: async () => ({
        publication: publication(),
        key: {
          key: {
            ...publication(),
            id: 'k1',
            publicationId: 'pub-1',
            name: 'default',
            prefix: 'mpk_Xy12',
            clientId: 'key-k1',
            createdBy: 'u',
            createdAt: 'x',
            status: 'active',
          } as any,
          secret: 'mpk_Xy12secretsecretsecretsecretsecretABCDEF',
        },
      }),
    });
    await renderForm({ api });
    await user.click(screen.getByRole('button', { name: 'Publish' }));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByDisplayValue(
        'mpk_Xy12secretsecretsecretsecretsecretABCDEF',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(/You won't see this key again/),
    ).toBeInTheDocument();
    await user.click(
      within(dialog).getByRole('button', { name: 'I have copied the key' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(
      screen.queryByDisplayValue(/mpk_Xy12secret/),
    ).not.toBeInTheDocument();
  });

  it('updates a live publication and unpublishes only after the name is typed', async () => {
    const user = userEvent.setup();
    const api = mockModelPublishingApi({
      updatePublication: async () => ({ publication: publication() }),
      unpublish: async () => ({
        publication: publication({ status: 'unpublished' }),
      }),
    });
    const { onChanged } = await renderForm({ api, publication: publication() });
    expect(
      screen.queryByLabelText('First API key name'),
    ).not.toBeInTheDocument();
    const perDay = screen.getByLabelText('Requests per day');
    await user.type(perDay, '5000');
    await user.click(screen.getByRole('button', { name: 'Update' }));
    await waitFor(() =>
      expect(api.updatePublication).toHaveBeenCalledWith(address, {
        rateLimits: { requestsPerMinute: 60, requestsPerDay: 5000 },
      }),
    );
    expect(await screen.findByText('Limits updated.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Unpublish' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Unpublish fraud-detector?',
    });
    const confirm = within(dialog).getByRole('button', {
      name: 'Unpublish fraud-detector',
    });
    expect(confirm).toBeDisabled();
    await user.type(
      within(dialog).getByLabelText('Type fraud-detector to confirm'),
      'fraud-detecto',
    );
    expect(confirm).toBeDisabled();
    await user.type(
      within(dialog).getByLabelText('Type fraud-detector to confirm'),
      'r',
    );
    expect(confirm).toBeEnabled();
    await user.click(confirm);
    await waitFor(() => expect(api.unpublish).toHaveBeenCalledWith(address));
    expect(onChanged).toHaveBeenCalledTimes(2);
  });

  it('closes the unpublish confirmation with Escape without unpublishing', async () => {
    const user = userEvent.setup();
    const { api } = await renderForm({ publication: publication() });
    await user.click(screen.getByRole('button', { name: 'Unpublish' }));
    await screen.findByRole('dialog');
    await user.keyboard('{Escape}');
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.unpublish).not.toHaveBeenCalled();
  });

  it('disables publishing with a reason when permission is denied', async () => {
    await renderForm({ permissions: all(false) });
    expect(screen.getByRole('button', { name: 'Publish' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Preview' })).toBeDisabled();
    expect(
      screen.getAllByLabelText(/You don't have permission to publish/).length,
    ).toBeGreaterThan(0);
  });

  it('disables update and unpublish when those are denied', async () => {
    const permissions = all(true);
    permissions.allowed.update = false;
    permissions.allowed.delete = false;
    await renderForm({ permissions, publication: publication() });
    expect(screen.getByRole('button', { name: 'Update' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Unpublish' })).toBeDisabled();
    expect(
      screen.getByLabelText(/permission to unpublish/),
    ).toBeInTheDocument();
  });

  it('refuses gRPC models', async () => {
    await renderForm({
      model: modelInfo({
        kind: 'grpc',
        confidence: 'high',
        reason: 'grpc-v2 protocol',
        alternatives: [],
      }),
    });
    expect(
      screen.getByText(/gRPC models cannot be published yet/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Publish' })).toBeDisabled();
  });
});
