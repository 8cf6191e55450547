import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { discoveryApiRef, identityApiRef } from '@backstage/core-plugin-api';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import { address, mockModelPublishingApi } from '../../__testUtils__/testUtils';
import { ConnectToolCard } from './ConnectToolCard';
import { mcpClientSettings, modelClientSettings } from './connectSettings';

const connection = {
  baseUrl: 'https://qwen-chat.genai.llm.acme.example',
  model: 'qwen-chat',
  modelKind: 'openai' as const,
  apiKeyEnv: 'MODEL_API_KEY',
};

async function renderCard(overrides: { getGuide?: () => Promise<any> } = {}) {
  const api = mockModelPublishingApi({
    getGuide:
      overrides.getGuide ??
      (async () => ({
        markdown: '# guide',
        guide: { sections: [] },
        openapi: {},
        connection,
      })),
  });
  const discoveryApi = {
    getBaseUrl: async (id: string) => `http://portal.test/api/${id}`,
  };
  const identityApi = {
    getCredentials: async () => ({ token: 'portal-token-of-grace' }),
  };
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [modelPublishingApiRef, api],
        [discoveryApiRef, discoveryApi],
        [identityApiRef, identityApi],
      ]}
    >
      <ConnectToolCard address={address} />
    </TestApiProvider>,
  );
}

describe('connectSettings', () => {
  it('gives OpenAI-compatible clients the base URL, model and key variable, and a shell snippet', () => {
    const settings = modelClientSettings(connection);
    expect(settings.map(s => s.value).slice(0, 3)).toEqual([
      connection.baseUrl,
      'qwen-chat',
      'MODEL_API_KEY',
    ]);
    expect(settings[3].value).toContain(
      `export OPENAI_BASE_URL='${connection.baseUrl}'`,
    );
    expect(settings[3].value).toContain(
      'export OPENAI_API_KEY="$MODEL_API_KEY"',
    );
  });

  it('gives KServe-protocol models no OpenAI snippet', () => {
    expect(
      modelClientSettings({ ...connection, modelKind: 'v2' }).map(s => s.id),
    ).toEqual(['base-url', 'model', 'key-env']);
  });

  it('gives MCP clients the endpoint and a server entry that reads the token from the environment', () => {
    const [url, config] = mcpClientSettings(
      'http://portal.test/api/mcp-actions/v1',
    );
    expect(url.value).toBe('http://portal.test/api/mcp-actions/v1');
    expect(JSON.parse(config.value)).toEqual({
      mcpServers: {
        'model-publishing': {
          type: 'http',
          url: 'http://portal.test/api/mcp-actions/v1',
          headers: { Authorization: 'Bearer ${BACKSTAGE_TOKEN}' },
        },
      },
    });
  });
});

describe('ConnectToolCard', () => {
  it('shows both kinds of settings with a named copy button each, reachable by keyboard', async () => {
    const user = userEvent.setup();
    await renderCard();
    expect(
      await screen.findByRole('heading', { name: 'OpenAI-compatible clients' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'MCP clients (AI agents)' }),
    ).toBeInTheDocument();
    expect(screen.getByText(connection.baseUrl)).toBeInTheDocument();
    expect(
      screen.getByText('http://portal.test/api/mcp-actions/v1'),
    ).toBeInTheDocument();
    for (const label of [
      'Base URL',
      'Model name',
      'API key variable',
      'MCP server URL',
      'MCP client settings',
    ]) {
      expect(
        screen.getByRole('button', { name: `Copy ${label}` }),
      ).toBeInTheDocument();
    }
    // the snippets are focusable regions named by their label (a long line scrolls by keyboard)
    expect(screen.getByLabelText('MCP client settings')).toHaveAttribute(
      'tabindex',
      '0',
    );
    // Tab reaches the first copy button
    await user.tab();
    expect(screen.getByRole('button', { name: 'Copy Base URL' })).toHaveFocus();
  });

  it('copies the portal token on request and says how long it lasts', async () => {
    const user = userEvent.setup();
    // jsdom has no clipboard: copy-to-clipboard falls back to window.prompt with the text
    const prompt = jest.spyOn(window, 'prompt').mockImplementation(() => null);
    await renderCard();
    await user.click(
      await screen.findByRole('button', { name: 'Copy my portal token' }),
    );
    expect(prompt).toHaveBeenCalledWith(
      expect.any(String),
      'portal-token-of-grace',
    );
    prompt.mockRestore();
    expect(
      within(screen.getAllByRole('status').pop()!).getByText(
        /expires with your session/,
      ),
    ).toBeInTheDocument();
  });

  it('shows nothing for a model that is not published (404)', async () => {
    const notFound = Object.assign(new Error('not published'), {
      statusCode: 404,
    });
    await renderCard({ getGuide: async () => Promise.reject(notFound) });
    await waitFor(() =>
      expect(screen.queryByText('Connect my tool')).not.toBeInTheDocument(),
    );
  });
});
