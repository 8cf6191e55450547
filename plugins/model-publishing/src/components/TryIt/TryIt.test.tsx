import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  address,
  apiKey,
  mockModelPublishingApi,
  publication,
  renderWithApis,
} from '../../__testUtils__/testUtils';
import { TryIt } from './TryIt';
import { exampleRequest, orderHeaders } from './exampleRequest';

describe('exampleRequest', () => {
  it.each([
    ['v1', '/v1/models/m:predict', 'instances'],
    ['v2', '/v2/models/m/infer', 'inputs'],
    ['openai', '/chat/completions', 'messages'],
  ] as const)('%s: the main call of the protocol', (modelKind, path, field) => {
    const r = exampleRequest({ modelKind, name: 'm' });
    expect(r.path).toBe(path);
    expect(JSON.parse(r.body)).toHaveProperty(field);
  });

  it("starts from the owner's example when the publication has one", () => {
    const example = { instances: [[0.9, 2310, 0, 1, 3]] };
    const r = exampleRequest({
      modelKind: 'v1',
      name: 'm',
      config: { example },
    });
    expect(JSON.parse(r.body)).toEqual(example);
    // Not a v2 body: the protocol's own example instead.
    expect(
      JSON.parse(
        exampleRequest({ modelKind: 'v2', name: 'm', config: { example } })
          .body,
      ),
    ).toHaveProperty('inputs');
  });

  it('puts rate-limit headers first', () => {
    expect(
      orderHeaders({
        'content-type': 'a',
        'x-ratelimit-remaining': '1',
        'x-ratelimit-limit': '2',
      }).map(([n]) => n),
    ).toEqual(['x-ratelimit-limit', 'x-ratelimit-remaining', 'content-type']);
  });
});

describe('TryIt', () => {
  const pub = publication({
    modelKind: 'v1',
    name: 'fraud-detector',
    endpoints: [
      {
        url: 'http://localhost:8080/models/team-a/fraud-detector',
        description: 'base',
      },
    ],
  });

  it('sends the edited example with the chosen key and shows status, rate-limit headers, body and latency', async () => {
    const api = mockModelPublishingApi({
      listKeys: async () => ({
        items: [
          apiKey({
            id: 'k1',
            name: 'ci',
            prefix: 'mpk_abcd',
            status: 'active',
          }),
          apiKey({ id: 'k2', status: 'revoked' }),
        ],
      }),
      tryIt: async () => ({
        url: 'http://localhost:8080/models/team-a/fraud-detector/v1/models/fraud-detector:predict',
        status: 200,
        headers: {
          'content-type': 'application/json',
          'x-ratelimit-limit': '5, 5;w=60',
          'x-ratelimit-remaining': '4',
        },
        body: '{"predictions":[0]}',
        truncated: false,
        latencyMs: 12.5,
      }),
    });
    await renderWithApis(<TryIt address={address} publication={pub} />, {
      api,
    });
    await waitFor(() =>
      expect(screen.getByRole('button', { name: /API key/ })).toHaveTextContent(
        'ci (mpk_abcd…)',
      ),
    );
    const body = screen.getByLabelText('Request body (JSON)');
    fireEvent.change(body, { target: { value: '{"instances":[[1,2]]}' } });
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByText('Status 200 · 12.5 ms');
    expect(api.tryIt).toHaveBeenCalledWith(address, {
      keyId: 'k1',
      method: 'POST',
      path: '/v1/models/fraud-detector:predict',
      body: '{"instances":[[1,2]]}',
      contentType: 'application/json',
    });
    const headers = screen.getByRole('table', { name: 'Response headers' });
    expect(within(headers).getAllByRole('row')[0]).toHaveTextContent(
      'x-ratelimit-limit5, 5;w=60',
    );
    within(headers).getByRole('row', { name: /^x-ratelimit-limit / });
    expect(screen.getByLabelText('Response body').textContent).toContain(
      '"predictions"',
    );
  });

  it('offers pasting a key when the keys cannot be listed, and shows why a send failed', async () => {
    const api = mockModelPublishingApi({
      listKeys: async () => {
        throw new Error('forbidden');
      },
      tryIt: async () => {
        throw new Error('path: must start with "/"');
      },
    });
    await renderWithApis(<TryIt address={address} publication={pub} />, {
      api,
    });
    const send = screen.getByRole('button', { name: 'Send' });
    expect(send).toBeDisabled();
    await userEvent.type(screen.getByLabelText('Key to send'), 'mpk_pasted');
    await userEvent.click(send);
    await screen.findByText(/Could not send: path/);
    expect(api.tryIt).toHaveBeenCalledWith(
      address,
      expect.objectContaining({ key: 'mpk_pasted' }),
    );
  });
});
