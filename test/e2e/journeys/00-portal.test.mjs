// Foundation: the portal lists the demo entities, and two demo users are two different people.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, signedInPage, screenshot, APP_URL } from '../browser.mjs';

let browser;
before(async () => (browser = await launchBrowser()));
after(async () => browser?.close());

test('the sign-in page offers the demo users', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(APP_URL);
  await page.getByRole('button', { name: 'Sign in as Frank Fraud' }).waitFor();
  await screenshot(page, '00-sign-in');
  await context.close();
});

test('a signed-in user sees the demo entities in the catalog', async () => {
  const page = await signedInPage(browser, 'frank');
  await page.goto(`${APP_URL}/?filters%5Bkind%5D=system&filters%5Buser%5D=all`);
  for (const name of ['fraud-platform', 'genai-platform', 'model-gateway']) {
    await page.getByRole('link', { name }).first().waitFor();
  }
  await screenshot(page, '00-catalog');
  await page.context().close();
});

test('two demo users are two different users', async () => {
  const identities = [];
  for (const user of ['frank', 'grace']) {
    const page = await signedInPage(browser, user);
    await page.goto(`${APP_URL}/settings`);
    await page.getByText(user === 'frank' ? 'Frank Fraud' : 'Grace GenAI').first().waitFor();
    identities.push(await page.evaluate(() => document.body.innerText));
    await screenshot(page, `00-settings-${user}`);
    await page.context().close();
  }
  assert.notEqual(identities[0], identities[1]);
});
