// Issue 7 acceptance: a model's owner publishes it from the Publish tab, creates / copies / rotates / revokes
// keys, updates limits, sees usage and unpublishes — one screenshot per screen (test-results/e2e/20-*.png).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser,
  signedInPage,
  screenshot,
  APP_URL,
} from '../browser.mjs';

// fraud-sklearn (namespace fraud-detection) is owned by group fraud-detection; Frank is a member.
const MODEL = 'fraud-sklearn';
const TAB = `${APP_URL}/catalog/default/component/${MODEL}/publish`;

let browser;
let page;
before(async () => {
  browser = await launchBrowser();
  page = await signedInPage(browser, 'frank');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: APP_URL,
  });
});
after(async () => browser?.close());

/** Reads the once-shown key from the dialog, copies it with the dialog's button, then closes the dialog. */
async function takeNewKey(name) {
  const dialog = page.getByRole('dialog', {
    name: new RegExp(`Your new API key: ${name}`),
  });
  await dialog.waitFor();
  await dialog.getByText("You won't see this key again").waitFor();
  const secret = await dialog.locator('#new-api-key').inputValue();
  assert.match(secret, /^mpk_[0-9A-Za-z]{38}$/);
  await dialog.getByRole('button', { name: 'Copy API key' }).click();
  const copied = await page.evaluate(() =>
    navigator.clipboard.readText().catch(() => null),
  );
  if (copied !== null) assert.equal(copied, secret);
  await screenshot(page, `20-new-key-${name}`);
  await dialog.getByRole('button', { name: 'I have copied the key' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(
    await page.getByText(secret).count(),
    0,
    'the key is not shown again',
  );
  return secret;
}

/** Earlier journeys may leave the model published; this one starts from an unpublished model. */
async function ensureUnpublished() {
  await page.goto(TAB);
  const form = page.getByText('Publish this model');
  const unpublish = page.getByRole('button', { name: 'Unpublish' });
  await form.or(unpublish).first().waitFor();
  if (await form.isVisible()) return;
  await unpublish.click();
  await page.getByLabel(`Type ${MODEL} to confirm`).fill(MODEL);
  await page.getByRole('button', { name: `Unpublish ${MODEL}` }).click();
  await form.waitFor({ timeout: 120_000 });
}

test('the Publish tab shows the detected kind and a dry-run preview', async () => {
  await ensureUnpublished();
  await page.getByText('Publish this model').waitFor();
  await screenshot(page, '20-publish-form');
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByText(/objects will be created, in this order/).waitFor();
  await page.getByText('HTTPRoute').first().waitFor();
  await screenshot(page, '20-dry-run');
});

test('publishing shows the first key once and ends published with an endpoint', async () => {
  await page.getByLabel('First API key name').fill('e2e-first');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await takeNewKey('e2e-first');
  await page
    .getByText('Published', { exact: true })
    .first()
    .waitFor({ timeout: 120_000 });
  await page
    .getByRole('button', { name: /^Copy endpoint / })
    .first()
    .waitFor();
  await screenshot(page, '20-published');
});

test('create, rotate (24 h grace) and revoke keys', async () => {
  await page.getByRole('button', { name: 'Create key' }).first().click();
  const create = page.getByRole('dialog', { name: 'Create API key' });
  await create.getByLabel('Key name').fill('e2e-second');
  await create.getByRole('button', { name: 'Create key' }).click();
  await takeNewKey('e2e-second');
  const keys = page.getByRole('table', { name: 'API keys' });
  await keys.getByRole('cell', { name: 'e2e-second', exact: true }).waitFor();
  await screenshot(page, '20-keys');

  await page.getByRole('button', { name: 'Rotate key e2e-second' }).click();
  const rotate = page.getByRole('dialog', { name: 'Rotate key e2e-second' });
  await rotate.getByText(/During the grace period both keys work/).waitFor();
  await screenshot(page, '20-rotate-confirm');
  await rotate.getByRole('button', { name: 'Rotate key' }).click();
  await takeNewKey('e2e-second');
  await keys.getByText('Grace period', { exact: true }).first().waitFor();

  await page.getByRole('button', { name: 'Revoke key e2e-first' }).click();
  const revoke = page.getByRole('dialog', { name: 'Revoke key e2e-first' });
  await revoke.getByRole('button', { name: 'Revoke key' }).click();
  await revoke.waitFor({ state: 'detached' });
  await keys.getByText('Revoked', { exact: true }).first().waitFor();
  await screenshot(page, '20-keys-rotated-revoked');
});

test('update limits', async () => {
  await page.getByLabel('Requests per day').fill('5000');
  await page.getByRole('button', { name: 'Update' }).click();
  await page.getByText('Limits updated.').waitFor();
  await screenshot(page, '20-updated');
});

test('usage, guide and audit', async () => {
  const usage = page.getByRole('button', { name: 'Last 7 days' });
  await usage.scrollIntoViewIfNeeded();
  const weekly = page.waitForResponse(
    r =>
      /\/publication\/usage\?/.test(r.url()) && r.request().method() === 'GET',
  );
  await usage.click();
  assert.equal((await weekly).status(), 200);
  await page
    .getByRole('img', { name: /Requests and errors over time/ })
    .or(page.getByText('No traffic in this range'))
    .first()
    .waitFor();
  await screenshot(page, '20-usage');
  await page.getByText('API guide', { exact: true }).scrollIntoViewIfNeeded();
  await page.getByText('Audit history', { exact: true }).waitFor();
  await page.getByText('Key revoked').first().waitFor();
  await screenshot(page, '20-guide-audit');
});

test('unpublish after typing the model name', async () => {
  await page.getByRole('button', { name: 'Unpublish' }).click();
  const dialog = page.getByRole('dialog', { name: `Unpublish ${MODEL}?` });
  const confirm = dialog.getByRole('button', { name: `Unpublish ${MODEL}` });
  assert.equal(await confirm.isDisabled(), true);
  await dialog.getByLabel(`Type ${MODEL} to confirm`).fill(MODEL);
  await screenshot(page, '20-unpublish-confirm');
  await confirm.click();
  await dialog.waitFor({ state: 'detached' });
  await page
    .getByText('Not published', { exact: true })
    .first()
    .waitFor({ timeout: 120_000 });
  await screenshot(page, '20-unpublished');
});

test('the published-models page lists what the user may see', async () => {
  await page.goto(`${APP_URL}/model-publishing`);
  await page
    .getByRole('heading', { name: 'Published models' })
    .first()
    .waitFor();
  await page
    .getByRole('table', { name: 'Publications' })
    .or(page.getByText(/No published models yet|No publications match/))
    .first()
    .waitFor();
  await screenshot(page, '20-published-models-page');
});
