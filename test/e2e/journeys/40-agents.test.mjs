// Journey 40: an AI agent uses the portal's MCP endpoint (issue 21, item 3), as the portal runs it
// (packages/backend with @backstage/plugin-mcp-actions-backend, app-config's backend.actions.pluginSources).
// With Frank's and Grace's real tokens: both see the model-publishing tools; Frank's agent creates a
// short-lived key of his fraud-sklearn and the local gateway answers predictions with it; Grace's agent may
// describe the model but not create a key of it. Then Grace's "Connect my tool" card on the model's Access
// tab: its settings name the portal's MCP endpoint and the model's base URL, its copy buttons are reached
// by Tab, and axe finds nothing serious at 800 px in the light and the dark theme.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, screenshot, card, APP_URL } from '../browser.mjs';
import {
  api,
  ensureUnpublished,
  eventually,
  modelPath,
  tokenFor,
} from '../cluster.mjs';
import { assertNoSeriousViolations } from '../axe.mjs';
import { tabTo } from '../keyboard.mjs';
import { BACKEND_URL, GATEWAY_URL } from '../portal.mjs';

const NS = 'fraud-detection';
const MODEL = 'fraud-sklearn';
const ENTITY = `component:default/${MODEL}`;
const MCP_URL = `${BACKEND_URL}/api/mcp-actions/v1`;
const PREDICT = `${GATEWAY_URL}/models/${NS}/${MODEL}/v1/models/${MODEL}:predict`;
const ACCESS_TAB = `${APP_URL}/catalog/default/component/${MODEL}/access`;
const HOUR_MS = 3_600_000;

let browser;
let rpcId = 0;

/** One JSON-RPC request over MCP's streamable HTTP transport; the answer comes as a server-sent event. */
async function rpc(user, method, params = {}) {
  const res = await fetch(MCP_URL, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await tokenFor(user)}`,
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params }),
  });
  assert.equal(res.status, 200, `MCP ${method} as ${user}: HTTP ${res.status}`);
  const text = await res.text();
  const data = (res.headers.get('content-type') ?? '').startsWith(
    'text/event-stream',
  )
    ? text
        .split('\n')
        .filter(line => line.startsWith('data:'))
        .map(line => line.slice(5).trim())
        .join('')
    : text;
  const message = JSON.parse(data);
  assert.equal(message.error, undefined, JSON.stringify(message.error));
  return message.result;
}

const callTool = (user, name, args) =>
  rpc(user, 'tools/call', {
    name: `model-publishing.${name}`,
    arguments: args,
  });

const predict = key =>
  fetch(PREDICT, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${key}`,
    },
    body: JSON.stringify({ instances: [[0.2, 13.5, 1, 0, 42]] }),
  });

before(async () => {
  await ensureUnpublished('frank', NS, MODEL);
  const r = await api('frank', 'POST', `${modelPath(NS, MODEL)}/publication`, {
    rateLimits: { requestsPerMinute: 30 },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
});

after(async () => {
  await browser?.close();
  await ensureUnpublished('frank', NS, MODEL);
});

test('the portal serves the model-publishing tools over MCP to each signed-in user', async () => {
  for (const user of ['frank', 'grace']) {
    const { tools } = await rpc(user, 'tools/list');
    const names = tools
      .map(t => t.name)
      .filter(n => n.startsWith('model-publishing.'));
    assert.deepEqual(names.sort(), [
      'model-publishing.create-model-key',
      'model-publishing.describe-published-model',
      'model-publishing.get-my-usage',
      'model-publishing.list-published-models',
      'model-publishing.request-model-access',
    ]);
  }
  const unauthenticated = await fetch(MCP_URL, {
    method: 'POST',
    headers: {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  assert.equal(unauthenticated.status, 401);
});

test("Frank's agent gets a short-lived key the gateway accepts; Grace's agent may read the model but gets no key", async () => {
  const before = Date.now();
  const created = await callTool('frank', 'create-model-key', {
    model: ENTITY,
    lifetimeHours: 1,
  });
  assert.ok(!created.isError, created.content?.[0]?.text);
  const out = created.structuredContent;
  assert.match(out.key, /^mpk_/);
  const expires = Date.parse(out.expiresAt);
  assert.ok(
    expires > before && expires <= Date.now() + HOUR_MS,
    `expires within the hour: ${out.expiresAt}`,
  );
  assert.ok(
    PREDICT.startsWith(out.connection.baseUrl),
    `the local gateway's base URL: ${out.connection.baseUrl}`,
  );
  // the gateway picks the key up from the key Secret it watches
  const answer = await eventually(
    async () => {
      const r = await predict(out.key);
      return r.status === 200 ? r.json() : undefined;
    },
    {
      what: "the gateway accepts the agent's key",
      timeoutMs: 30_000,
      intervalMs: 500,
    },
  );
  assert.ok(Array.isArray(answer.predictions), JSON.stringify(answer));

  const described = await callTool('grace', 'describe-published-model', {
    model: ENTITY,
  });
  assert.ok(!described.isError, described.content?.[0]?.text);
  assert.equal(
    described.structuredContent.connection.baseUrl,
    out.connection.baseUrl,
  );
  const refused = await callTool('grace', 'create-model-key', {
    model: ENTITY,
  });
  assert.equal(refused.isError, true);
  assert.match(
    refused.content[0].text,
    /NotAllowedError: not allowed: model-publishing\.key\.create/,
  );

  const mine = await callTool('frank', 'get-my-usage', { model: ENTITY });
  assert.ok(mine.structuredContent.keys.some(k => k.keyId === out.keyId));
  const graces = await callTool('grace', 'get-my-usage', { model: ENTITY });
  assert.deepEqual(graces.structuredContent.keys, []);
});

for (const theme of ['light', 'dark']) {
  test(`"Connect my tool" on the Access tab at 800 px (${theme} theme): settings, copy buttons by keyboard, no serious axe findings`, async () => {
    browser ??= await launchBrowser();
    const context = await browser.newContext({
      viewport: { width: 800, height: 900 },
    });
    await context.addInitScript(t => {
      window.localStorage.setItem('model-publishing-demo-user', 'grace');
      window.localStorage.setItem('theme', t);
    }, theme);
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(ACCESS_TAB);
    const connect = card(page, 'Connect my tool');
    await connect
      .getByRole('heading', { name: 'MCP clients (AI agents)' })
      .waitFor();
    await connect.getByText(MCP_URL, { exact: true }).waitFor();
    const guide = await api(
      'grace',
      'GET',
      `${modelPath(NS, MODEL)}/publication/guide`,
    );
    await connect
      .getByText(guide.body.connection.baseUrl, { exact: true })
      .waitFor();
    if (theme === 'dark') {
      const background = await page.evaluate(
        () => getComputedStyle(document.body).backgroundColor,
      );
      const [r, g, b] = background.match(/\d+/g).map(Number);
      assert.ok(
        r + g + b < 200,
        `the dark theme is on (body background ${background})`,
      );
    }
    const copyMcp = connect.getByRole('button', {
      name: 'Copy MCP server URL',
    });
    await tabTo(page, copyMcp);
    await page.keyboard.press('Enter');
    await tabTo(
      page,
      connect.getByRole('button', { name: 'Copy my portal token' }),
    );
    await connect.scrollIntoViewIfNeeded();
    await screenshot(page, `40-connect-my-tool-${theme}`);
    await assertNoSeriousViolations(
      page,
      `the Connect my tool card (${theme})`,
      '#connect-my-tool',
    );
    await context.close();
  });
}
