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
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
  });
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
  return page.locator('.MuiCard-root').filter({
    has: page.locator('.MuiCardHeader-title').getByText(title, { exact: true }),
  });
}

/**
 * Waits until the Usage card shows a chart named like `chart` (usage is collected on a schedule, every
 * 15 s in the e2e portal), switching the range back and forth to reload it; returns the card.
 */
export async function waitForUsageChart(
  page,
  chart,
  { timeoutMs = 120_000 } = {},
) {
  const usage = card(page, 'Usage');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await usage.getByRole('button', { name: 'Last 7 days' }).click();
    await usage.getByRole('button', { name: 'Last 24 hours' }).click();
    const shown = await usage
      .getByRole('img', { name: chart })
      .waitFor({ timeout: 5000 })
      .then(() => true)
      .catch(() => false);
    if (shown) return usage;
    if (Date.now() > deadline)
      throw new Error(`no usage chart ${chart} after ${timeoutMs / 1000}s`);
  }
}
