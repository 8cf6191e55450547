// Journey 4: Grace (gen-AI team) publishes an LLM — the form offers token limits — then finds it on the
// published-models page, as an API entity whose OpenAPI definition renders in the API docs, and reads
// the generated guide on the model's TechDocs tab.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser,
  signedInPage,
  screenshot,
  waitForUsageChart,
  APP_URL,
} from '../browser.mjs';
import { BACKEND_URL } from '../portal.mjs';
import {
  ensureUnpublished,
  eventually,
  managedObjects,
  publicationOf,
  summary,
  tokenFor,
} from '../cluster.mjs';
import { takeNewKey } from '../keys.mjs';

const NS = 'genai';
const MODEL = 'qwen-chat';
const API_ENTITY = `${MODEL}-api`;
const HOST = `${MODEL}-${NS}.llm.localhost`; // reached through the local gateway: http://localhost:8080/_host/<host>

let browser;
let page;

before(async () => {
  await ensureUnpublished('grace', NS, MODEL);
  browser = await launchBrowser();
  page = await signedInPage(browser, 'grace');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: APP_URL,
  });
});
after(async () => browser?.close());

test('Grace publishes qwen-chat with request and token limits', async () => {
  await page.goto(`${APP_URL}/catalog/default/component/${MODEL}/publish`);
  await page.getByText('Publish this model').waitFor({ timeout: 180_000 });
  await page.getByText(/Detected kind: OpenAI-compatible \(LLM\)/).waitFor();
  await page.getByText('Token limits (per key)').waitFor();
  await page.getByLabel('Requests per minute').fill('30');
  await page.getByLabel('Tokens per minute').fill('20000');
  await page.getByLabel('Tokens per day').fill('1000000');
  await page.getByLabel('First API key name').fill('chat-frontend');
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  const preview = page.getByLabel('Objects that will be created');
  await preview.getByText('AIGatewayRoute', { exact: true }).waitFor();
  await screenshot(page, '04-llm-form');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await takeNewKey(page, 'chat-frontend', '04-llm-key-once');
  await page
    .getByText('Published', { exact: true })
    .first()
    .waitFor({ timeout: 120_000 });
  await page
    .getByRole('list', { name: 'Endpoints' })
    .getByText(`http://localhost:8080/_host/${HOST}/v1/chat/completions`)
    .waitFor();
  await page.getByLabel('Tokens per minute').waitFor(); // the settings form keeps offering token limits
  await screenshot(page, '04-llm-published');

  const publication = await publicationOf('grace', NS, MODEL);
  const objects = await managedObjects(NS, publication.id);
  assert.deepEqual(Object.keys(summary(objects)).sort(), [
    'AIGatewayRoute',
    'AIServiceBackend',
    'Backend',
    'BackendTrafficPolicy',
    'Secret',
    'SecurityPolicy',
  ]);
  assert.deepEqual(objects.AIGatewayRoute[0].spec.hostnames ?? [], [HOST]);
  const limits = JSON.stringify(objects.BackendTrafficPolicy[0].spec.rateLimit);
  assert.ok(
    limits.includes('"requests":20000,"unit":"Minute"'),
    `token limit in ${limits}`,
  );
  assert.ok(
    limits.includes('llm_total_token'),
    'token limits are charged from the AI Gateway token count',
  );

  // Usage of an LLM: requests and tokens in/out (the demo usage source), per key.
  const usage = await waitForUsageChart(page, /Tokens over time/);
  await usage
    .getByRole('img', { name: /Requests and errors over time/ })
    .waitFor();
  await usage.getByText(/^Tokens in: /).waitFor();
  await usage.getByText(/^Tokens out: /).waitFor();
  await usage
    .getByRole('table', { name: 'Usage per key' })
    .getByText('chat-frontend')
    .waitFor();
  await usage.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -120));
  await screenshot(page, '04-llm-usage');
});

test('the published-models page lists it', async () => {
  await page.goto(`${APP_URL}/model-publishing`);
  const table = page.getByRole('table', { name: 'Publications' });
  await table.waitFor({ timeout: 120_000 });
  const row = table.getByRole('row').filter({ hasText: MODEL });
  await row.getByText('OpenAI-compatible (LLM)').waitFor();
  await row.getByText('Published').waitFor();
  await row
    .getByText(`http://localhost:8080/_host/${HOST}`, { exact: false })
    .waitFor();
  await screenshot(page, '04-published-models');
});

test('its API entity appears in the catalog and the OpenAPI definition renders', async () => {
  const token = await tokenFor('grace');
  // The catalog provider picks new publications up on its schedule (every 30 s).
  const entity = await eventually(
    async () => {
      const res = await fetch(
        `${BACKEND_URL}/api/catalog/entities/by-name/api/default/${API_ENTITY}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      return res.ok ? res.json() : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 3000, what: `API entity ${API_ENTITY}` },
  );
  assert.equal(entity.spec.type, 'openapi');
  assert.equal(entity.spec.owner, 'group:default/genai');
  assert.ok(
    JSON.parse(entity.spec.definition).paths,
    'the definition is the generated OpenAPI document',
  );

  await page.goto(`${APP_URL}/catalog/default/api/${API_ENTITY}/definition`);
  // Swagger UI renders the document: its server and operations.
  await page
    .getByText('/chat/completions', { exact: true })
    .first()
    .waitFor({ timeout: 120_000 });
  // A chat model's document lists only what it serves (issue 23 item 8): no embeddings operation.
  assert.equal(await page.getByText('/embeddings', { exact: true }).count(), 0);
  await page
    .getByRole('combobox')
    .filter({ hasText: `http://localhost:8080/_host/${HOST}/v1` })
    .first()
    .waitFor();
  await screenshot(page, '04-api-definition');
});

test("the model's TechDocs tab shows the generated guide", async () => {
  await page.goto(`${APP_URL}/catalog/default/component/${MODEL}/docs`);
  // The backend publishes the guide right after the publish; the catalog marks the Component for
  // TechDocs on its next run (every 30 s), so a fresh entity may need a reload or two.
  const title = page.getByRole('heading', { name: `${MODEL} — API guide` });
  await eventually(
    async () => {
      const found = await title
        .waitFor({ timeout: 15_000 })
        .then(() => true)
        .catch(() => false);
      if (!found) await page.reload();
      return found;
    },
    { timeoutMs: 240_000, intervalMs: 1000, what: 'the guide in TechDocs' },
  );
  for (const section of [
    'Endpoint',
    'Authentication',
    'Limits',
    'Rate limiting: 429 Too Many Requests',
    'Errors',
  ]) {
    await page
      .getByRole('heading', { name: section, exact: true })
      .first()
      .waitFor();
  }
  await page
    .getByText(`http://localhost:8080/_host/${HOST}/v1`, { exact: true })
    .first()
    .waitFor();
  await screenshot(page, '04-techdocs-guide');
});
