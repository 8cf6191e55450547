// Journey 6: a published model answers on this machine through the local gateway (packages/gateway-emulator).
// Frank publishes fraud-sklearn with 5 requests per minute and a key; the guide's curl, run unchanged,
// returns predictions; no key is a 401; past the limit a 429 with the rate-limit headers; the usage card's
// figures count those calls; a revoked key is refused within 5 s, a key of one model is refused by another.
// Then "Try it" on the Publish tab: send the example with his key (200, rate-limit headers, body, latency),
// and with a pasted wrong key (401).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  launchBrowser,
  signedInPage,
  screenshot,
  card,
  APP_URL,
} from '../browser.mjs';
import { api, ensureUnpublished, eventually, modelPath } from '../cluster.mjs';
import { GATEWAY_URL } from '../portal.mjs';
import { assertNoSeriousViolations } from '../axe.mjs';

const run = promisify(execFile);
const NS = 'fraud-detection';
const MODEL = 'fraud-sklearn';
const OTHER = 'risk-xgboost';
const TAB = `${APP_URL}/catalog/default/component/${MODEL}/publish`;
const PREDICT = `${GATEWAY_URL}/models/${NS}/${MODEL}/v1/models/${MODEL}:predict`;

let browser;
let page;
let key;

const predict = (headers = {}, url = PREDICT) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ instances: [[0.2, 13.5, 1, 0, 42]] }),
  });

async function publish(name, body) {
  await ensureUnpublished('frank', NS, name);
  const r = await api(
    'frank',
    'POST',
    `${modelPath(NS, name)}/publication`,
    body,
  );
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

before(async () => {
  const published = await publish(MODEL, {
    rateLimits: { requestsPerMinute: 5 },
    firstKey: { name: 'e2e-try' },
  });
  key = published.key.secret;
  // The gateway programs the route once its watch delivers the objects (the route is written last).
  await eventually(
    async () =>
      (await predict({ authorization: `Bearer ${key}` })).status !== 404,
    {
      what: 'the local gateway serves the new route',
      timeoutMs: 30_000,
      intervalMs: 250,
    },
  );
});

after(async () => {
  await browser?.close();
  await ensureUnpublished('frank', NS, MODEL);
  await ensureUnpublished('frank', NS, OTHER);
});

test("the guide's curl, unchanged, gets predictions; no key is 401; past the per-minute limit 429 with rate-limit headers", async () => {
  const guide = await api(
    'frank',
    'GET',
    `${modelPath(NS, MODEL)}/publication/guide`,
  );
  assert.equal(guide.status, 200);
  const curl = [
    ...guide.body.markdown.matchAll(/```(?:bash|sh|shell)\n([\s\S]*?)```/g),
  ]
    .map(m => m[1])
    .find(block => block.includes('curl ') && block.includes(':predict'));
  assert.ok(curl, 'the guide has a curl example of the predict call');
  assert.ok(
    curl.includes(PREDICT),
    `the guide's URL is the local gateway's: ${curl}`,
  );
  const { stdout } = await run('bash', ['-c', curl], {
    env: { ...process.env, MODEL_API_KEY: key },
  });
  assert.ok(
    Array.isArray(JSON.parse(stdout).predictions),
    `predictions: ${stdout}`,
  );

  assert.equal((await predict()).status, 401, 'no key');
  assert.equal(
    (await predict({ authorization: 'Bearer mpk_not_a_real_key' })).status,
    401,
    'wrong key',
  );

  let limited;
  for (let i = 0; i < 8 && !limited; i++) {
    const r = await predict({ 'x-api-key': key });
    if (r.status === 429) limited = r;
    else assert.equal(r.status, 200);
  }
  assert.ok(limited, 'a 429 within 8 calls at 5 per minute');
  assert.match(limited.headers.get('x-ratelimit-limit'), /^5, 5;w=60$/);
  assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
  assert.ok(Number(limited.headers.get('x-ratelimit-reset')) > 0);
});

test('usage counts those calls (access logs of the local gateway, through the ingest)', async () => {
  const usage = await eventually(
    async () => {
      const r = await api(
        'frank',
        'GET',
        `${modelPath(NS, MODEL)}/publication/usage`,
      );
      assert.equal(r.status, 200);
      const t = r.body.totals;
      return t.requests >= 7 && t.status429 >= 1 && t.status401 >= 2
        ? t
        : undefined;
    },
    { what: 'usage shows the calls', timeoutMs: 30_000 },
  );
  assert.ok(usage.requests >= 7);
});

test('isolation: a key of one model is refused by another; a revoked key is refused within 5 s', async () => {
  await publish(OTHER, {
    rateLimits: { requestsPerMinute: 60 },
    firstKey: { name: 'e2e-other' },
  });
  const otherUrl = `${GATEWAY_URL}/models/${NS}/${OTHER}/v2/models/${OTHER}/infer`;
  await eventually(async () => (await predict({}, otherUrl)).status === 401, {
    what: 'risk-xgboost route',
    timeoutMs: 30_000,
    intervalMs: 250,
  });
  assert.equal(
    (await predict({ authorization: `Bearer ${key}` }, otherUrl)).status,
    401,
    "fraud-sklearn's key on risk-xgboost",
  );

  const created = await api(
    'frank',
    'POST',
    `${modelPath(NS, MODEL)}/publication/keys`,
    { name: 'e2e-revoke' },
  );
  assert.equal(created.status, 201);
  const revokable = created.body.secret;
  await eventually(
    async () =>
      (await predict({ authorization: `Bearer ${revokable}` })).status !== 401,
    { what: 'new key accepted', timeoutMs: 10_000, intervalMs: 100 },
  );
  const revoked = await api(
    'frank',
    'DELETE',
    `${modelPath(NS, MODEL)}/publication/keys/${created.body.key.id}`,
  );
  assert.equal(revoked.status, 200);
  const at = Date.now();
  await eventually(
    async () =>
      (await predict({ authorization: `Bearer ${revokable}` })).status === 401,
    { what: 'revoked key refused', timeoutMs: 5_000, intervalMs: 100 },
  );
  assert.ok(Date.now() - at <= 5_000);
});

test('Try it on the Publish tab: send the example with my key, then with a pasted wrong key', async () => {
  browser = await launchBrowser();
  page = await signedInPage(browser, 'frank');
  await page.goto(TAB);
  const tryIt = card(page, 'Try it');
  await tryIt.waitFor({ timeout: 180_000 });
  await tryIt
    .getByRole('button', { name: /API key/ })
    .filter({ hasText: 'e2e-try' })
    .waitFor();
  await tryIt.getByLabel('Path').waitFor();
  assert.equal(
    await tryIt.getByLabel('Path').inputValue(),
    `/v1/models/${MODEL}:predict`,
  );
  await tryIt.getByRole('button', { name: 'Send' }).click();
  // The per-minute limit may still be spent by the first test: 200 or 429 both come from the gateway.
  const status = tryIt.getByText(/^Status (200|429) · [\d.]+ ms$/);
  await status.waitFor({ timeout: 30_000 });
  const headers = tryIt.getByRole('table', { name: 'Response headers' });
  await headers.getByRole('row', { name: /^x-ratelimit-limit / }).waitFor();
  // The usage card on the same tab shows the calls made above (the gateway's access logs, ingested).
  const requests = await card(page, 'Usage')
    .getByText(/^Requests: [\d,]+$/)
    .first()
    .textContent({ timeout: 60_000 });
  assert.ok(
    Number(requests.replace(/\D/g, '')) >= 7,
    `usage card: ${requests}`,
  );
  // The Publish tab of a live model with keys, usage and Try it (its selects and the range buttons were
  // axe label-content-name-mismatch findings: a name that does not contain the visible text).
  await assertNoSeriousViolations(
    page,
    'the Publish tab with Try it and the usage cards',
  );
  await screenshot(page, '06-try-it');

  await tryIt.getByRole('button', { name: /API key/ }).click();
  await page.getByRole('option', { name: 'Paste a key' }).click();
  await tryIt.getByLabel('Key to send').fill('mpk_not_a_real_key');
  await tryIt.getByRole('button', { name: 'Send' }).click();
  await tryIt
    .getByText(/^Status 401 · [\d.]+ ms$/)
    .waitFor({ timeout: 30_000 });
  await screenshot(page, '06-try-it-401');
});
