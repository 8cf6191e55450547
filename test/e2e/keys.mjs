// The once-shown API key dialog, as the journeys use it.
import assert from 'node:assert/strict';
import { screenshot } from './browser.mjs';

export const KEY_FORMAT = /^mpk_[0-9A-Za-z]{38}$/;

/**
 * Waits for the "Your new API key" dialog, checks it says the key is shown once, copies the key with the
 * dialog's button (the clipboard must hold the same value), screenshots it as `shot`, closes it, and
 * checks the key is nowhere on the page afterwards. Returns the key. `keyName` is the exact name or a RegExp.
 */
export async function takeNewKey(page, keyName, shot) {
  // A RegExp matches names not known in advance (consumer keys are named after the request).
  const dialog = page.getByRole('dialog', {
    name:
      keyName instanceof RegExp
        ? new RegExp(`^Your new API key: ${keyName.source}`)
        : `Your new API key: ${keyName}`,
  });
  await dialog.waitFor();
  await dialog.getByText("You won't see this key again").waitFor();
  const secret = await dialog
    .getByRole('textbox', { name: 'API key' })
    .inputValue();
  assert.match(secret, KEY_FORMAT);
  await dialog.getByRole('button', { name: 'Copy API key' }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, secret, 'the copy button puts the key on the clipboard');
  await page.getByRole('tooltip', { name: 'Copied' }).waitFor(); // the button's tooltip confirms the copy
  if (shot) await screenshot(page, shot);
  await dialog.getByRole('button', { name: 'I have copied the key' }).click();
  await dialog.waitFor({ state: 'detached' });
  await assertKeyNotShown(page, secret);
  return secret;
}

/** The raw key is neither in the page's text nor in any field's value nor anywhere in its DOM. */
export async function assertKeyNotShown(page, secret) {
  const found = await page.evaluate(s => {
    const inText = document.body.innerText.includes(s);
    const inFields = [...document.querySelectorAll('input, textarea')].some(e =>
      e.value.includes(s),
    );
    const inDom = document.documentElement.outerHTML.includes(s);
    return { inText, inFields, inDom };
  }, secret);
  assert.deepEqual(
    found,
    { inText: false, inFields: false, inDom: false },
    'the key is not shown again',
  );
}

/** The key table's row for `name` (optionally the one with a given status text). */
export function keyRow(page, name, status) {
  let rows = page
    .getByRole('table', { name: 'API keys' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name, exact: true }) });
  if (status) rows = rows.filter({ hasText: status });
  return rows;
}

/** Data entries of the publication's key Secret, decoded (client id → raw key). */
export function secretKeys(secretObject) {
  return Object.fromEntries(
    Object.entries(secretObject.data ?? {}).map(([id, b64]) => [
      id,
      Buffer.from(b64, 'base64').toString('utf8'),
    ]),
  );
}
