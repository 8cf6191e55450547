// Issue 20: the Model costs page. Alice (a costs admin: group admins) opens it from the sidebar and sees the
// month's total as the chargeback route computes it; the "Download CSV" link is the CSV route of the month
// and the file it downloads is what that route answers; she changes the fraud-detection group's monthly
// budget by keyboard and the server has the new amount. Frank (a fraud-detection member, not a costs
// admin) sees that budget and no edit controls. axe-core finds nothing serious or critical on the page or
// in the budget dialog; screenshots at 1440 px and 800 px, where nothing overflows the window.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  launchBrowser,
  signedInPage,
  screenshot,
  APP_URL,
} from '../browser.mjs';
import { api, MP } from '../cluster.mjs';
import { assertNoSeriousViolations } from '../axe.mjs';
import { tabTo, watchErrors } from '../keyboard.mjs';

const CONSUMER = 'group:default/fraud-detection';
const MONTH = new Date().toISOString().slice(0, 7);

let browser;
let page;
let watcher;

before(async () => {
  // a budget to change (setting one is the admin's route; the page edits it)
  const set = await api('alice', 'PUT', `${MP}/usage/budgets`, {
    consumerRef: CONSUMER,
    monthlyAmount: 100,
  });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  browser = await launchBrowser();
  page = await signedInPage(browser, 'alice');
  watcher = watchErrors(page);
});
after(async () => browser?.close());

function money(value, currency) {
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: 4,
  }).format(value);
}

test('alice opens Model costs from the sidebar and sees the month the route computes', async () => {
  await page.goto(`${APP_URL}/catalog`);
  await page.getByRole('link', { name: 'Model costs' }).click();
  await page.waitForURL('**/model-costs');
  const total = page.getByText(/^Total:/);
  await watcher.whileWaiting(total.waitFor());
  const { status, body } = await api(
    'alice',
    'GET',
    `${MP}/usage/chargeback?month=${MONTH}`,
  );
  assert.equal(status, 200);
  assert.equal(
    (await total.textContent()).trim(),
    `Total: ${money(body.total, body.currency)}`,
  );
  if (body.lines.length > 0) {
    const rows = page
      .getByRole('table', { name: 'Costs per consumer' })
      .getByRole('row');
    assert.equal(await rows.count(), body.lines.length + 1);
  } else {
    await page.getByText(/^No costs in /).waitFor();
  }
  await page.getByRole('table', { name: 'Budgets per consumer' }).waitFor();
  await assertNoSeriousViolations(page, 'the Model costs page', 'main');
  await screenshot(page, '33-costs', { fullPage: true });
  await watcher.assertNone();
});

test('the CSV link is the month’s CSV route, and the download is what the route answers', async () => {
  const link = page.getByRole('link', { name: 'Download CSV' });
  assert.match(
    await link.getAttribute('href'),
    new RegExp(
      `/api/model-publishing/usage/chargeback\\.csv\\?month=${MONTH}$`,
    ),
  );
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    link.click(),
  ]);
  const file = await readFile(await download.path(), 'utf8');
  const { status, body } = await api(
    'alice',
    'GET',
    `${MP}/usage/chargeback.csv?month=${MONTH}`,
  );
  assert.equal(status, 200);
  assert.equal(file, body);
  assert.match(file, /^month,ref,kind,parent,depth,/);
});

test('alice changes a budget by keyboard; the server has it', async () => {
  const edit = page.getByRole('button', { name: `Edit budget of ${CONSUMER}` });
  await tabTo(page, edit);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: `Budget of ${CONSUMER}` });
  await dialog.waitFor();
  await assertNoSeriousViolations(page, 'the budget dialog', '[role="dialog"]');
  await tabTo(page, dialog.getByLabel(/Monthly amount/));
  await page.keyboard.press('Control+A');
  await page.keyboard.type('250');
  await tabTo(page, dialog.getByRole('button', { name: 'Save budget' }));
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  const row = page
    .getByRole('table', { name: 'Budgets per consumer' })
    .getByRole('row')
    .filter({ hasText: CONSUMER });
  await row.getByText('250.00', { exact: false }).waitFor();
  const { body } = await api('alice', 'GET', `${MP}/usage/budgets`);
  assert.equal(
    body.items.find(b => b.consumerRef === CONSUMER)?.monthlyAmount,
    250,
  );
  await watcher.assertNone();
});

test('at 800 px nothing overflows the window', async () => {
  await page.setViewportSize({ width: 800, height: 900 });
  await page.reload();
  await page.getByText(/^Total:/).waitFor();
  await page.getByRole('table', { name: 'Budgets per consumer' }).waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 800, `the page is ${width} px wide at 800 px`);
  await screenshot(page, '33-costs-800', { fullPage: true });
});

test('frank (not a costs admin) sees his group’s budget but cannot change budgets', async () => {
  const frank = await signedInPage(browser, 'frank');
  await frank.goto(`${APP_URL}/model-costs`);
  const budgets = frank.getByRole('table', { name: 'Budgets per consumer' });
  await budgets.waitFor();
  await budgets.getByText(CONSUMER).waitFor();
  assert.equal(
    await frank.getByRole('button', { name: 'Set a budget' }).count(),
    0,
  );
  assert.equal(
    await frank.getByRole('button', { name: /^Edit budget of/ }).count(),
    0,
  );
  await assertNoSeriousViolations(
    frank,
    'the Model costs page (frank)',
    'main',
  );
});
