// Journey 3: a user of another team (Paul, platform) sees a published model of the fraud-detection team
// but cannot publish, change or unpublish it, nor see its keys or usage: the controls are absent or
// disabled in the browser, and the backend answers 403 to his token. Publishes fraud-sklearn itself
// (through the API, as Frank) so it does not depend on the other journeys.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser,
  signedInPage,
  screenshot,
  card,
  APP_URL,
} from '../browser.mjs';
import {
  api,
  ensureUnpublished,
  managedObjects,
  modelPath,
  publicationOf,
  summary,
} from '../cluster.mjs';

const NS = 'fraud-detection';
const MODEL = 'fraud-sklearn';
const UNPUBLISHED = 'risk-xgboost';

let browser;
let page;
let publication;
let keyId;

before(async () => {
  await ensureUnpublished('frank', NS, MODEL);
  const { status, body } = await api(
    'frank',
    'POST',
    `${modelPath(NS, MODEL)}/publication`,
    {
      rateLimits: { requestsPerMinute: 30 },
      firstKey: { name: 'frank-client' },
    },
  );
  assert.equal(status, 201, JSON.stringify(body));
  publication = body.publication;
  keyId = body.key.key.id;
  browser = await launchBrowser();
  page = await signedInPage(browser, 'paul');
});
after(async () => {
  await browser?.close();
  await ensureUnpublished('frank', NS, MODEL);
});

test('Paul sees the published model, but every control that changes it is disabled and keys/usage are hidden', async () => {
  await page.goto(`${APP_URL}/catalog/default/component/${MODEL}/publish`);
  await page
    .getByText('Published', { exact: true })
    .first()
    .waitFor({ timeout: 180_000 });
  await page.getByRole('list', { name: 'Endpoints' }).waitFor();
  const denied = /You don't have permission to/;
  for (const name of ['Update', 'Unpublish']) {
    const button = page.getByRole('button', { name, exact: true });
    assert.equal(
      await button.isDisabled(),
      true,
      `${name} is disabled for Paul`,
    );
  }
  assert.ok(
    (await page.getByLabel(denied).count()) >= 2,
    'disabled buttons say why',
  );
  // Keys: no key names, no prefixes, no create/rotate/revoke.
  const keysCard = card(page, 'API keys');
  await keysCard
    .getByText(/You don't have permission to see (the )?(API )?keys/)
    .waitFor();
  assert.equal(
    await page.getByText('frank-client').count(),
    0,
    'key names are not shown',
  );
  for (const name of [/^Rotate key/, /^Revoke key/]) {
    assert.equal(await page.getByRole('button', { name }).count(), 0);
  }
  const create = page.getByRole('button', { name: 'Create key' });
  assert.ok(
    (await create.count()) === 0 || (await create.isDisabled()),
    'Create key is absent or disabled',
  );
  // Usage: a permission message instead of figures; audit is not shown.
  await page.getByText(/You don't have permission to read usage/).waitFor();
  assert.equal(
    await page.getByRole('table', { name: 'Usage per key' }).count(),
    0,
  );
  assert.equal(await page.getByText('Download CSV').count(), 0);
  await screenshot(page, '03-paul-published-model', { fullPage: true });
});

test('Paul cannot publish a model of another team', async () => {
  await page.goto(
    `${APP_URL}/catalog/default/component/${UNPUBLISHED}/publish`,
  );
  await page.getByText('Publish this model').waitFor({ timeout: 120_000 });
  for (const name of ['Publish', 'Preview']) {
    assert.equal(
      await page.getByRole('button', { name, exact: true }).isDisabled(),
      true,
      `${name} is disabled`,
    );
  }
  await page.getByLabel(/You don't have permission to publish/).hover();
  await page
    .getByRole('tooltip')
    .getByText(/You don't have permission to publish/)
    .waitFor();
  await screenshot(page, '03-paul-cannot-publish');
});

test('the backend refuses Paul with 403 and changes nothing', async () => {
  const before = summary(await managedObjects(NS));
  const m = modelPath(NS, MODEL);
  const calls = [
    ['GET', `${m}/publication/keys`],
    ['POST', `${m}/publication/keys`, { name: 'paul-key' }],
    ['POST', `${m}/publication/keys/${keyId}/rotate`, {}],
    ['DELETE', `${m}/publication/keys/${keyId}`],
    ['GET', `${m}/publication/usage`],
    ['GET', `${m}/publication/usage.csv`],
    ['GET', `${m}/audit`],
    ['PUT', `${m}/publication`, { rateLimits: { requestsPerMinute: 100000 } }],
    ['DELETE', `${m}/publication`],
    ['POST', `${modelPath(NS, UNPUBLISHED)}/publication/dry-run`, {}],
    ['POST', `${modelPath(NS, UNPUBLISHED)}/publication`, {}],
  ];
  for (const [method, path, body] of calls) {
    const res = await api('paul', method, path, body);
    assert.equal(
      res.status,
      403,
      `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`,
    );
    assert.equal(res.body.error?.name, 'NotAllowedError', `${method} ${path}`);
  }
  // Reading the model (its publication status and endpoint) is allowed for everyone signed in.
  const read = await api('paul', 'GET', m);
  assert.equal(read.status, 200);
  assert.equal(read.body.publication.id, publication.id);

  assert.deepEqual(
    summary(await managedObjects(NS)),
    before,
    'the cluster did not change',
  );
  const now = await publicationOf('frank', NS, MODEL);
  assert.equal(now.status, 'published');
  assert.deepEqual(now.config.rateLimits, { requestsPerMinute: 30 });
  const keys = await api('frank', 'GET', `${m}/publication/keys`);
  assert.deepEqual(
    keys.body.items.map(k => [k.name, k.status]),
    [['frank-client', 'active']],
  );
});
