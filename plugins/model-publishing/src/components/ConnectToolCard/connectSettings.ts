import type { ClientConnection } from '@model-publishing/plugin-model-publishing-common';

/** The variable MCP client settings read the portal token from. */
export const PORTAL_TOKEN_ENV = 'BACKSTAGE_TOKEN';
/** The name the portal's MCP server gets in a client's settings. */
export const MCP_SERVER_NAME = 'model-publishing';

/** One setting of the card: a label, the value to copy, and whether it is code (several lines). */
export interface ConnectSetting {
  id: string;
  label: string;
  value: string;
  block?: boolean;
}

/**
 * Ready settings for OpenAI-compatible clients (the OpenAI SDKs and the tools built on them read
 * `OPENAI_BASE_URL` and `OPENAI_API_KEY`): base URL, model name, the key's variable and a shell snippet.
 * Models on the KServe protocols get the base URL and model name only. Pure.
 */
export function modelClientSettings(
  connection: ClientConnection,
): ConnectSetting[] {
  const settings: ConnectSetting[] = [
    { id: 'base-url', label: 'Base URL', value: connection.baseUrl },
    { id: 'model', label: 'Model name', value: connection.model },
    { id: 'key-env', label: 'API key variable', value: connection.apiKeyEnv },
  ];
  if (connection.modelKind !== 'openai') return settings;
  return [
    ...settings,
    {
      id: 'openai-env',
      label: 'Shell settings for OpenAI-compatible clients',
      block: true,
      value: [
        `export ${connection.apiKeyEnv}=<your key>`,
        `export OPENAI_BASE_URL=${shellQuote(connection.baseUrl)}`,
        `export OPENAI_API_KEY="$${connection.apiKeyEnv}"`,
        `# send "model": ${JSON.stringify(connection.model)} in every request`,
      ].join('\n'),
    },
  ];
}

/**
 * Settings for MCP clients: the portal's MCP endpoint (streamable HTTP) and a server entry with the
 * portal token in a header, in the `mcpServers` shape most clients read. Pure.
 */
export function mcpClientSettings(mcpUrl: string): ConnectSetting[] {
  const entry = {
    mcpServers: {
      [MCP_SERVER_NAME]: {
        type: 'http',
        url: mcpUrl,
        headers: { Authorization: `Bearer \${${PORTAL_TOKEN_ENV}}` },
      },
    },
  };
  return [
    { id: 'mcp-url', label: 'MCP server URL', value: mcpUrl },
    {
      id: 'mcp-config',
      label: 'MCP client settings',
      value: JSON.stringify(entry, null, 2),
      block: true,
    },
  ];
}

/** A value as one single-quoted shell word. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
