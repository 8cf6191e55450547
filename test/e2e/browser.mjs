// Debian's Chromium driven by playwright-core; never downloads a browser. playwright gives every launch a
// new empty profile directory of its own.
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { APP_URL, ARTIFACTS } from './portal.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page signed in as one demo user (the demo sign-in page remembers the choice in localStorage). */
export async function signedInPage(browser, userName) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(name => {
    window.localStorage.setItem('model-publishing-demo-user', name);
  }, userName);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  return page;
}

export async function screenshot(page, name, { fullPage = false } = {}) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}

export { APP_URL };

/** A core-components InfoCard by its title (card titles are not headings). */
export function card(page, title) {
  return page
    .locator('.MuiCard-root')
    .filter({ has: page.locator('.MuiCardHeader-title').getByText(title, { exact: true }) });
}
