import { mockCredentials } from '@backstage/backend-test-utils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import {
  headers,
  startSecurityBackend,
  type SecurityBackend,
} from '../__testUtils__/securityBackend';

/**
 * Issue 21, item 3: model-publishing's actions for AI agents, called the way an agent calls them —
 * JSON-RPC `tools/list` and `tools/call` over the streamable HTTP transport of the portal's MCP endpoint
 * (@backstage/plugin-mcp-actions-backend), which invokes the actions registry of the model-publishing
 * plugin with the caller's credentials. Real catalog, real permission framework with the portal's policy.
 * Grace owns genai/qwen-chat; Frank (fraud-detection) is a would-be consumer of it.
 */
jest.setTimeout(240_000);

const API = '/api/model-publishing';
const MCP = '/api/mcp-actions/v1';
const GRACE = headers.user('user:default/grace');
const FRANK = headers.user('user:default/frank');
const MODEL = 'component:default/qwen-chat';
const TOOL = (name: string) => `model-publishing.${name}`;
const HOUR_MS = 3_600_000;

interface ToolResult {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: any;
}

describe('actions for AI agents over MCP (issue 21, item 3)', () => {
  let b: SecurityBackend;
  let rpcId = 0;
  let published: { status: number };

  /** One JSON-RPC request to the MCP endpoint; the answer arrives as a server-sent event (or JSON). */
  async function rpc(
    auth: Record<string, string>,
    method: string,
    params: object = {},
  ) {
    const res = await b.request
      .post(MCP)
      .set(auth)
      .set('Accept', 'application/json, text/event-stream')
      .set('Content-Type', 'application/json')
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => done(null, text));
      })
      .send({ jsonrpc: '2.0', id: ++rpcId, method, params });
    const text = res.body as string;
    const data = res.headers['content-type']?.startsWith('text/event-stream')
      ? text
          .split('\n')
          .filter(line => line.startsWith('data:'))
          .map(line => line.slice(5).trim())
          .join('')
      : text;
    return { status: res.status, message: data ? JSON.parse(data) : undefined };
  }

  async function callTool(
    auth: Record<string, string>,
    name: string,
    args: object,
  ): Promise<ToolResult> {
    const { status, message } = await rpc(auth, 'tools/call', {
      name: TOOL(name),
      arguments: args,
    });
    expect(status).toBe(200);
    expect(message.error).toBeUndefined();
    return message.result;
  }

  const auditOf = async () =>
    (
      await b.request
        .get(`${API}/entities/component/default/qwen-chat/audit`)
        .set(GRACE)
    ).body.items as {
      actor: string;
      action: string;
      outcome: string;
      keyId?: string;
    }[];

  beforeAll(async () => {
    b = await startSecurityBackend({
      features: [mcpActionsPlugin],
      backendConfig: { actions: { pluginSources: ['model-publishing'] } },
    });
    await b.waitFor(async () => {
      const res = await b.request
        .get('/api/catalog/entities/by-name/component/default/qwen-chat')
        .set(GRACE);
      if (res.status !== 200) throw new Error(`${res.status}`);
      return true;
    });
    published = await b.request
      .post(`${API}/entities/component/default/qwen-chat/publication`)
      .set(GRACE)
      .send({
        rateLimits: { requestsPerMinute: 60 },
        plans: [
          {
            name: 'trial',
            approval: 'automatic',
            maxKeyLifetimeDays: 30,
            rateLimits: { requestsPerMinute: 5 },
          },
        ],
      });
  });
  afterAll(async () => {
    await b?.stop();
  });

  it('lists the five model-publishing tools to a signed-in user', async () => {
    expect(published.status).toBe(201);
    const { status, message } = await rpc(FRANK, 'tools/list');
    expect(status).toBe(200);
    const names = (message.result.tools as { name: string }[])
      .map(t => t.name)
      .filter(n => n.startsWith('model-publishing.'));
    expect(names.sort()).toEqual(
      [
        'create-model-key',
        'describe-published-model',
        'get-my-usage',
        'list-published-models',
        'request-model-access',
      ].map(TOOL),
    );
  });

  it('refuses an MCP call without a token', async () => {
    const { status } = await rpc(headers.none(), 'tools/list');
    expect(status).toBe(401);
  });

  it('lists and describes the published model with its connection settings and guide', async () => {
    const list = await callTool(FRANK, 'list-published-models', {});
    expect(list.isError).toBeFalsy();
    expect(list.structuredContent.models).toEqual([
      expect.objectContaining({
        model: MODEL,
        name: 'qwen-chat',
        namespace: 'genai',
        status: 'published',
      }),
    ]);
    const searched = await callTool(FRANK, 'list-published-models', {
      search: 'QWEN',
    });
    expect(searched.structuredContent.models).toHaveLength(1);
    const none = await callTool(FRANK, 'list-published-models', {
      search: 'no such model',
    });
    expect(none.structuredContent.models).toEqual([]);
    const described = await callTool(FRANK, 'describe-published-model', {
      model: MODEL,
    });
    expect(described.isError).toBeFalsy();
    const out = described.structuredContent;
    expect(out.connection).toEqual({
      baseUrl: expect.stringMatching(/^https:\/\//),
      model: expect.any(String),
      modelKind: expect.any(String),
      apiKeyEnv: 'MODEL_API_KEY',
    });
    expect(out.plans.map((p: { name: string }) => p.name)).toEqual([
      'default',
      'trial',
    ]);
    expect(out.guide).toContain(out.connection.baseUrl);
  });

  it('lets the owner create a short-lived key, and refuses Frank one before he has access (audited)', async () => {
    const before = Date.now();
    const owner = await callTool(GRACE, 'create-model-key', {
      model: MODEL,
      lifetimeHours: 2,
    });
    expect(owner.isError).toBeFalsy();
    expect(owner.structuredContent.key).toMatch(/^mpk_/);
    const expires = Date.parse(owner.structuredContent.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 2 * HOUR_MS - 60_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 2 * HOUR_MS);

    const frank = await callTool(FRANK, 'create-model-key', { model: MODEL });
    expect(frank.isError).toBe(true);
    expect(frank.content[0].text).toContain(
      'NotAllowedError: not allowed: model-publishing.key.create',
    );

    const tooLong = await callTool(GRACE, 'create-model-key', {
      model: MODEL,
      lifetimeHours: 48,
    });
    expect(tooLong.isError).toBe(true);
    expect(tooLong.content[0].text).toMatch(/InputError/);

    const audit = await auditOf();
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor: 'user:default/grace',
          action: 'key.create',
          outcome: 'succeeded',
          keyId: owner.structuredContent.keyId,
        }),
        expect.objectContaining({
          actor: 'user:default/frank',
          action: 'key.create',
          outcome: 'denied',
        }),
      ]),
    );
    // the raw key is in no audit row
    expect(JSON.stringify(audit)).not.toContain(owner.structuredContent.key);
  });

  it('lets Frank request access for himself (not for a team he is not in) and then collect a short-lived key once', async () => {
    const foreign = await callTool(FRANK, 'request-model-access', {
      model: MODEL,
      plan: 'trial',
      purpose: 'Summarise fraud case notes for analysts',
      consumer: 'group:default/genai',
    });
    expect(foreign.isError).toBe(true);

    const requested = await callTool(FRANK, 'request-model-access', {
      model: MODEL,
      plan: 'trial',
      purpose: 'Summarise fraud case notes for analysts',
    });
    expect(requested.isError).toBeFalsy();
    expect(requested.structuredContent).toMatchObject({
      status: 'approved',
      plan: 'trial',
      consumer: 'user:default/frank',
    });
    expect(JSON.stringify(requested)).not.toMatch(/mpk_/);

    const before = Date.now();
    const issued = await callTool(FRANK, 'create-model-key', { model: MODEL });
    expect(issued.isError).toBeFalsy();
    expect(issued.structuredContent).toMatchObject({
      key: expect.stringMatching(/^mpk_/),
      requestId: requested.structuredContent.requestId,
    });
    // the default agent lifetime (8 h), not the plan's 30 days
    const expires = Date.parse(issued.structuredContent.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 8 * HOUR_MS - 60_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 8 * HOUR_MS);

    // the request's key is issued once; a second key needs a new request
    const again = await callTool(FRANK, 'create-model-key', { model: MODEL });
    expect(again.isError).toBe(true);

    const audit = await auditOf();
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor: 'user:default/frank',
          action: 'access.request',
          outcome: 'succeeded',
        }),
        expect.objectContaining({
          actor: 'user:default/frank',
          action: 'access.issue',
          keyId: issued.structuredContent.keyId,
        }),
      ]),
    );
  });

  it("shows each user only their own keys' usage", async () => {
    const frank = (await callTool(FRANK, 'get-my-usage', {})).structuredContent
      .keys as { holder: string; model: string }[];
    expect(frank).toHaveLength(1);
    expect(frank[0]).toMatchObject({
      holder: 'user:default/frank',
      model: MODEL,
      requests: 0,
    });
    const grace = (await callTool(GRACE, 'get-my-usage', { model: MODEL }))
      .structuredContent.keys as { holder: string }[];
    expect(grace.length).toBeGreaterThanOrEqual(1);
    expect(grace.every(k => k.holder === 'user:default/grace')).toBe(true);
  });

  it('refuses a service principal: the actions act only for a person', async () => {
    const service = {
      Authorization: mockCredentials.service.header({
        onBehalfOf: mockCredentials.service('external:some-agent'),
        targetPluginId: 'mcp-actions',
      }),
    };
    const result = await callTool(service, 'list-published-models', {});
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toContain('act for a signed-in user');
  });
});
