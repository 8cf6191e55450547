// Issue 23 acceptance: keyboard only (Tab, Shift+Tab, Enter, Space, Escape; no mouse). Frank publishes
// fraud-sklearn with a first key, creates a second key, copies it, rotates it and revokes the first; the
// page never crashes (MUI's focus ripple used to throw "reading 'pulsate'" when Enter opened the key
// dialog), no key created on the server is lost, Escape on the once-shown key asks before closing, and
// axe-core finds nothing serious or critical on the Publish tab and in the key dialogs.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser,
  signedInPage,
  screenshot,
  APP_URL,
} from '../browser.mjs';
import { api, ensureUnpublished, modelPath } from '../cluster.mjs';
import { KEY_FORMAT, assertKeyNotShown, keyRow } from '../keys.mjs';
import { assertNoSeriousViolations } from '../axe.mjs';
import { isFocused, tabTo, watchErrors } from '../keyboard.mjs';

const NS = 'fraud-detection';
const MODEL = 'fraud-sklearn';
const TAB = `${APP_URL}/catalog/default/component/${MODEL}/publish`;

let browser;
let page;
let watcher;

before(async () => {
  await ensureUnpublished('frank', NS, MODEL);
  browser = await launchBrowser();
  page = await signedInPage(browser, 'frank');
  await page
    .context()
    .grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: APP_URL,
    });
  watcher = watchErrors(page);
});
after(async () => browser?.close());

async function keysOnServer() {
  const { status, body } = await api(
    'frank',
    'GET',
    `${modelPath(NS, MODEL)}/publication/keys`,
  );
  assert.equal(status, 200);
  return body.items;
}

/**
 * The once-shown key dialog, by keyboard: focus starts on the key (selected), Tab reaches the copy
 * button, Space copies, Escape asks first ("Keep the dialog open" returns), Enter on "I have copied
 * the key" closes. Returns the key.
 */
async function takeKeyByKeyboard(keyName, shot) {
  const dialog = page.getByRole('dialog', {
    name: `Your new API key: ${keyName}`,
  });
  await watcher.whileWaiting(dialog.waitFor());
  const field = dialog.getByRole('textbox', { name: 'API key' });
  await page.waitForFunction(
    () => document.activeElement?.id === 'new-api-key',
  );
  const secret = await field.inputValue();
  assert.match(secret, KEY_FORMAT);
  if (shot) {
    await assertNoSeriousViolations(
      page,
      'the new-key dialog',
      '[role="dialog"]',
    );
    await screenshot(page, shot);
  }
  await tabTo(page, dialog.getByRole('button', { name: 'Copy API key' }));
  await page.keyboard.press('Space');
  assert.equal(
    await page.evaluate(() => navigator.clipboard.readText()),
    secret,
  );

  // Escape does not drop the key silently.
  await page.keyboard.press('Escape');
  const ask = page.getByRole('alertdialog', { name: 'Close the key dialog?' });
  await ask.waitFor();
  assert.ok(
    await isFocused(ask.getByRole('button', { name: 'Keep the dialog open' })),
  );
  await page.keyboard.press('Enter');
  await ask.waitFor({ state: 'detached' });
  assert.ok(await dialog.isVisible(), 'the key dialog is still open');

  await tabTo(
    page,
    dialog.getByRole('button', { name: 'I have copied the key' }),
  );
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  await assertKeyNotShown(page, secret);
  return secret;
}

test('publish with a first key, by keyboard', async () => {
  await page.goto(TAB);
  await page.getByText('Publish this model').waitFor();
  await assertNoSeriousViolations(
    page,
    'the Publish tab (not published)',
    'main',
  );
  await tabTo(page, page.getByLabel('First API key name'));
  await page.keyboard.type('kb-first');
  await tabTo(page, page.getByRole('button', { name: 'Publish', exact: true }));
  await page.keyboard.press('Enter');
  await takeKeyByKeyboard('kb-first', '30-keyboard-new-key');
  await page
    .getByText('Published', { exact: true })
    .first()
    .waitFor({ timeout: 120_000 });
  await watcher.assertNone();
  const keys = await keysOnServer();
  assert.deepEqual(
    keys.map(k => k.name),
    ['kb-first'],
  );
});

test('create a key and copy it, by keyboard', async () => {
  await tabTo(page, page.getByRole('button', { name: 'Create key' }).first());
  await page.keyboard.press('Enter');
  const create = page.getByRole('dialog', { name: 'Create API key' });
  await create.waitFor();
  // The dialog moves focus to its first field.
  await page.waitForFunction(
    () => document.activeElement?.id === 'create-key-name',
  );
  await page.keyboard.type('kb-second');
  await assertNoSeriousViolations(
    page,
    'the create-key dialog',
    '[role="dialog"]',
  );
  await tabTo(page, create.getByRole('button', { name: 'Create key' }));
  await page.keyboard.press('Enter');
  await takeKeyByKeyboard('kb-second', '30-keyboard-created-key');
  await keyRow(page, 'kb-second').first().waitFor();
  await watcher.assertNone();
});

test('rotate a key, by keyboard (Space on the confirm button)', async () => {
  await tabTo(page, page.getByRole('button', { name: 'Rotate key kb-second' }));
  await page.keyboard.press('Enter');
  const rotate = page.getByRole('dialog', { name: 'Rotate key kb-second' });
  await rotate.getByText(/During the grace period both keys work/).waitFor();
  await assertNoSeriousViolations(page, 'the rotate dialog', '[role="dialog"]');
  await tabTo(page, rotate.getByRole('button', { name: 'Rotate key' }));
  await page.keyboard.press('Space');
  await takeKeyByKeyboard('kb-second');
  await keyRow(page, 'kb-second', 'Grace period').waitFor();
  await watcher.assertNone();
  const keys = await keysOnServer();
  assert.equal(
    keys.filter(k => k.name === 'kb-second').length,
    2,
    'old and new kb-second',
  );
});

test('revoke a key, by keyboard; Escape closes a confirmation without acting', async () => {
  const revokeButton = page.getByRole('button', {
    name: 'Revoke key kb-first',
  });
  await tabTo(page, revokeButton);
  await page.keyboard.press('Enter');
  const revoke = page.getByRole('dialog', { name: 'Revoke key kb-first' });
  await revoke.waitFor();
  await page.keyboard.press('Escape');
  await revoke.waitFor({ state: 'detached' });
  assert.ok(
    await isFocused(revokeButton),
    'focus returns to the button that opened the dialog',
  );
  await page.keyboard.press('Enter');
  await revoke.waitFor();
  await tabTo(page, revoke.getByRole('button', { name: 'Revoke key' }));
  await page.keyboard.press('Enter');
  await revoke.waitFor({ state: 'detached' });
  await keyRow(page, 'kb-first', 'Revoked').waitFor();
  await screenshot(page, '30-keyboard-keys');
  await watcher.assertNone();
  const first = (await keysOnServer()).find(k => k.name === 'kb-first');
  assert.equal(first.status, 'revoked');
});

after(async () => {
  await ensureUnpublished('frank', NS, MODEL).catch(() => {});
});
