import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { delay, http, HttpResponse } from 'msw';
import { Entity } from '@backstage/catalog-model';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import type { ModelPublishingApi } from '../../api/ModelPublishingApi';
import { ModelPublishingClient } from '../../api/ModelPublishingClient';
import {
  address,
  apiKey,
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
    getGuide: async () => ({
      markdown: '# Guide\n\nUse a key.\n',
      guide: {
        sections: [
          {
            level: 1,
            title: 'Guide',
            blocks: [{ type: 'text', markdown: 'Use a key.' }],
          },
        ],
      },
      openapi: {},
    }),
    listAudit: async () => ({ items: [] }),
    ...overrides,
  });
}

async function renderTab(
  api: ModelPublishingApi,
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

  describe('while its own write is pending (msw, fake timers)', () => {
    const base = 'http://localhost:7007/api/model-publishing';
    const modelUrl = `${base}/models/default/team-a/fraud-detector`;
    const server = setupServer();
    beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
    afterEach(() => {
      server.resetHandlers();
      server.events.removeAllListeners();
      jest.useRealTimers();
    });
    afterAll(() => server.close());

    /**
     * The backend as the tab sees it during a synchronous write: the write is held open until
     * `release()`; meanwhile GET of the model returns `during` (the recorded, in-flight
     * publication); after it, `after`. Counts GETs of the model.
     */
    function heldWrite(options: {
      method: 'post' | 'put' | 'delete';
      before?: Publication;
      during: Publication;
      after?: Publication;
      respond?: () => Response;
    }) {
      let current = options.before;
      let release: () => void = () => {};
      const held = new Promise<void>(r => {
        release = r;
      });
      const counts = { gets: 0, writes: 0 };
      server.use(
        http.get(modelUrl, () => {
          counts.gets += 1;
          return HttpResponse.json({
            model: modelInfo(),
            ...(current ? { publication: current } : {}),
          });
        }),
        http[options.method](`${modelUrl}/publication`, async () => {
          counts.writes += 1;
          if (options.respond) return options.respond();
          current = options.during;
          await held;
          current = options.after;
          return HttpResponse.json({ publication: options.after });
        }),
        http.get(`${modelUrl}/publication/keys`, () =>
          HttpResponse.json({ items: [apiKey({ name: 'first' })] }),
        ),
        http.get(`${modelUrl}/publication/usage`, () =>
          HttpResponse.json(usageReport()),
        ),
        http.get(`${modelUrl}/publication/guide`, () =>
          HttpResponse.json({
            markdown: '# Guide\n\nUse a key.\n',
            guide: {
              sections: [
                {
                  level: 1,
                  title: 'Guide',
                  blocks: [{ type: 'text', markdown: 'Use a key.' }],
                },
              ],
            },
            openapi: {},
          }),
        ),
        http.get(`${modelUrl}/audit`, () => HttpResponse.json({ items: [] })),
      );
      return { counts, release };
    }

    const client = () =>
      new ModelPublishingClient({
        discoveryApi: { getBaseUrl: async () => base },
        fetchApi: { fetch: (input, init) => fetch(input, init) },
      });

    /**
     * Fakes the clock the polls run on (setTimeout, setInterval, Date); process.nextTick,
     * setImmediate and microtasks stay real so fetch bodies and React's act settle on their own.
     */
    function fakeClock() {
      jest.useFakeTimers({
        doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
      });
    }

    /** Lets timers run for `ms` of fake time, settling promises in between (fetch, React). */
    async function advance(ms: number) {
      for (let t = 0; t < ms; t += 50) {
        await act(async () => {
          jest.advanceTimersByTime(50);
        });
      }
    }

    async function startPublish() {
      fakeClock();
      const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });
      const view = await renderTab(client());
      const publish = await screen.findByRole('button', { name: 'Publish' });
      await waitFor(() => expect(publish).toBeEnabled());
      await user.click(publish);
      return view;
    }

    const publishing = publication({
      status: 'publishing',
      objects: publication().objects.slice(0, 2),
      endpoints: [],
    });

    it('shows the steps done so far during the request, then stops polling and shows the published model', async () => {
      const backend = heldWrite({
        method: 'post',
        during: publishing,
        after: publication(),
      });
      await startPublish();
      expect(backend.counts.writes).toBe(1);

      const progress = await screen.findByLabelText('Publishing progress');
      expect(
        within(progress).getByText('Secret/fraud-detector-mp-keys'),
      ).toBeInTheDocument();
      expect(
        within(progress).getByText('SecurityPolicy/fraud-detector-mp'),
      ).toBeInTheDocument();
      // Two of the four steps are done, so the third is the active one.
      expect(
        within(progress)
          .getAllByText(/^(API key secret|API key authentication)$/)
          .map(label => label.className),
      ).toEqual([
        expect.stringContaining('completed'),
        expect.stringContaining('completed'),
      ]);
      expect(within(progress).getByText('Rate limits').className).toContain(
        'active',
      );
      expect(screen.getByRole('button', { name: 'Publish' })).toBeDisabled();
      // Keys, usage and guide wait for the publication to exist.
      expect(screen.queryByText('API keys')).not.toBeInTheDocument();

      // About every 300 ms while the request is held.
      const beforeHold = backend.counts.gets;
      await advance(1500);
      const polled = backend.counts.gets - beforeHold;
      expect(polled).toBeGreaterThanOrEqual(4);
      expect(polled).toBeLessThanOrEqual(6);

      const atRelease = backend.counts.gets;
      await act(async () => backend.release());
      expect(await screen.findByText('Published')).toBeInTheDocument();
      expect(
        screen.queryByLabelText('Publishing progress'),
      ).not.toBeInTheDocument();
      // One reload when the request settled, then no more polling.
      await advance(3000);
      expect(backend.counts.gets).toBe(atRelease + 1);
      expect(await screen.findByText('API keys')).toBeInTheDocument();
    });

    it('never overlaps polls: a tick is skipped while a load is in flight', async () => {
      const backend = heldWrite({
        method: 'post',
        during: publishing,
        after: publication(),
      });
      await startPublish();
      await screen.findByLabelText('Publishing progress');
      // From now on each GET of the model takes 700 ms (two and a bit ticks).
      let open = 0;
      let most = 0;
      server.use(
        http.get(modelUrl, async () => {
          backend.counts.gets += 1;
          open += 1;
          most = Math.max(most, open);
          await delay(700);
          open -= 1;
          return HttpResponse.json({
            model: modelInfo(),
            publication: publishing,
          });
        }),
      );
      const before = backend.counts.gets;
      await advance(3000);
      expect(most).toBe(1);
      // A load every third tick (900 ms) instead of every tick.
      expect(backend.counts.gets - before).toBeGreaterThanOrEqual(3);
      expect(backend.counts.gets - before).toBeLessThanOrEqual(4);
      await act(async () => backend.release());
      await advance(1000);
    });

    it('shows the update steps during a held PUT', async () => {
      const backend = heldWrite({
        method: 'put',
        before: publication(),
        during: publication({ status: 'updating' }),
        after: publication(),
      });
      fakeClock();
      const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });
      await renderTab(client());
      const update = await screen.findByRole('button', { name: 'Update' });
      await waitFor(() => expect(update).toBeEnabled());
      await user.click(update);
      expect(
        await screen.findByLabelText('Publishing progress'),
      ).toBeInTheDocument();
      expect(screen.getByText('Updating')).toBeInTheDocument();
      await act(async () => backend.release());
      expect(await screen.findByText('Limits updated.')).toBeInTheDocument();
      const settled = backend.counts.gets;
      await advance(2000);
      expect(backend.counts.gets).toBe(settled);
      expect(
        screen.queryByLabelText('Publishing progress'),
      ).not.toBeInTheDocument();
    });

    it('stops polling when the tab unmounts during the request, without React warnings', async () => {
      const errors = jest.spyOn(console, 'error');
      const backend = heldWrite({
        method: 'post',
        during: publishing,
        after: publication(),
      });
      const view = await startPublish();
      await screen.findByLabelText('Publishing progress');
      view.unmount();
      const atUnmount = backend.counts.gets;
      await advance(1500);
      await act(async () => backend.release());
      await advance(1500);
      expect(backend.counts.gets).toBe(atUnmount);
      expect(
        errors.mock.calls.filter(args =>
          args.some(a =>
            /not wrapped in act|unmounted component/.test(String(a)),
          ),
        ),
      ).toEqual([]);
      errors.mockRestore();
    });

    it('does not poll when the write is refused at once (4xx); loads the model once to show any record', async () => {
      const backend = heldWrite({
        method: 'post',
        during: publishing,
        respond: () =>
          HttpResponse.json(
            {
              error: {
                name: 'InputError',
                message: 'rateLimits: at least one limit is required',
              },
            },
            { status: 400 },
          ),
      });
      await startPublish();
      expect(
        await screen.findByText(/at least one limit is required/),
      ).toBeInTheDocument();
      await advance(2000);
      // The first load and the one after the request settled; none while it was pending.
      expect(backend.counts.gets).toBe(2);
      expect(screen.getByText('Not published')).toBeInTheDocument();
      expect(
        screen.queryByLabelText('Publishing progress'),
      ).not.toBeInTheDocument();
    });
  });
});
