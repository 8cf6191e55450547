// Journey 2: the owner rotates the key (confirmation explains the grace period), revokes the old one,
// updates the limits, looks at usage and unpublishes; after each step the cluster (the emulator's
// Kubernetes API) matches. Runs after 01-publish.test.mjs (file-name order) and continues with its
// publication; run alone, it publishes fraud-sklearn with a key "e2e-first" through the API first.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser,
  signedInPage,
  screenshot,
  waitForUsageChart,
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
import { keyRow, secretKeys, takeNewKey } from '../keys.mjs';

const NS = 'fraud-detection';
const MODEL = 'fraud-sklearn';
const TAB = `${APP_URL}/catalog/default/component/${MODEL}/publish`;

let browser;
let page;
let publicationId;

/** The publication's objects in the cluster, plus its Secret's client ids → keys. */
async function cluster() {
  const objects = await managedObjects(NS, publicationId);
  return {
    objects,
    kinds: summary(objects),
    keys: objects.Secret ? secretKeys(objects.Secret[0]) : {},
  };
}

async function keysOf() {
  const { status, body } = await api(
    'frank',
    'GET',
    `${modelPath(NS, MODEL)}/publication/keys`,
  );
  assert.equal(status, 200);
  return body.items;
}

before(async () => {
  let publication = await publicationOf('frank', NS, MODEL);
  const hasFirst = async () =>
    (await keysOf()).some(k => k.name === 'e2e-first' && k.status === 'active');
  if (publication?.status !== 'published' || !(await hasFirst())) {
    await ensureUnpublished('frank', NS, MODEL);
    const { status, body } = await api(
      'frank',
      'POST',
      `${modelPath(NS, MODEL)}/publication`,
      {
        rateLimits: { requestsPerMinute: 60 },
        firstKey: { name: 'e2e-first' },
      },
    );
    assert.equal(status, 201, JSON.stringify(body));
    publication = body.publication;
  }
  publicationId = publication.id;
  browser = await launchBrowser();
  page = await signedInPage(browser, 'frank');
  await page
    .context()
    .grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: APP_URL,
    });
  await page.goto(TAB);
  await page
    .getByText('Published', { exact: true })
    .first()
    .waitFor({ timeout: 180_000 });
  await keyRow(page, 'e2e-first', 'Active').waitFor();
});
after(async () => browser?.close());

test('rotate the key: the confirmation explains the grace period; both keys work during it', async () => {
  const before = await cluster();
  assert.equal(Object.keys(before.keys).length, 1, 'one key before rotation');
  const [oldClientId] = Object.keys(before.keys);

  await keyRow(page, 'e2e-first', 'Active')
    .getByRole('button', { name: 'Rotate key e2e-first' })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Rotate key e2e-first' });
  await dialog.getByText(/During the grace period both keys work/).waitFor();
  await dialog.getByText('24 hours (default)').waitFor();
  await screenshot(page, '02-rotate-confirm');
  await dialog.getByRole('button', { name: 'Rotate key', exact: true }).click();
  const rotated = await takeNewKey(page, 'e2e-first', '02-rotated-key-once');

  await keyRow(page, 'e2e-first', 'Grace period').waitFor();
  await keyRow(page, 'e2e-first', 'Active').waitFor();
  await screenshot(page, '02-keys-grace');

  const during = await cluster();
  assert.equal(
    during.keys[oldClientId],
    before.keys[oldClientId],
    'the old key still works in its grace period',
  );
  assert.equal(
    Object.keys(during.keys).length,
    2,
    'old and new key are both in the Secret',
  );
  assert.ok(
    Object.values(during.keys).includes(rotated),
    'the new key is in the Secret',
  );
});

test('revoke the old key: it leaves the Secret at once', async () => {
  const rotatedOld = keyRow(page, 'e2e-first', 'Grace period');
  await rotatedOld
    .getByRole('button', { name: 'Revoke key e2e-first' })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Revoke key e2e-first' });
  await dialog.getByText(/This cannot be undone/).waitFor();
  await screenshot(page, '02-revoke-confirm');
  await dialog.getByRole('button', { name: 'Revoke key', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  await keyRow(page, 'e2e-first', 'Revoked').waitFor();
  await keyRow(page, 'e2e-first', 'Active').waitFor();
  await screenshot(page, '02-keys-revoked');

  const keys = await keysOf();
  const active = keys.filter(k => k.status === 'active');
  assert.equal(active.length, 1);
  const after = await cluster();
  assert.deepEqual(
    Object.keys(after.keys),
    [active[0].clientId],
    'only the new key is left in the Secret',
  );
});

test('update the limits: the BackendTrafficPolicy changes', async () => {
  const rules = async () =>
    JSON.stringify(
      (await cluster()).objects.BackendTrafficPolicy[0].spec.rateLimit,
    );
  assert.ok((await rules()).includes('"requests":60,"unit":"Minute"'));

  await page.getByLabel('Requests per minute').fill('120');
  await page.getByLabel('Requests per day').fill('5000');
  await page.getByRole('button', { name: 'Update', exact: true }).click();
  await page.getByText('Limits updated.').waitFor();
  await page.getByText('Published', { exact: true }).first().waitFor();
  await screenshot(page, '02-limits-updated');

  const now = await rules();
  assert.ok(
    now.includes('"requests":120,"unit":"Minute"'),
    `120/min in ${now}`,
  );
  assert.ok(now.includes('"requests":5000,"unit":"Day"'), `5000/day in ${now}`);
  assert.ok(
    !now.includes('"requests":60,"unit":"Minute"'),
    'the old limit is gone',
  );
  const publication = await publicationOf('frank', NS, MODEL);
  assert.deepEqual(publication.config.rateLimits, {
    requestsPerMinute: 120,
    requestsPerDay: 5000,
  });
});

test('usage cards show requests over time and per key', async () => {
  const usage = await waitForUsageChart(page, /Requests and errors over time/);
  await usage.getByText(/^Requests: /).waitFor();
  await usage.getByRole('table', { name: 'Usage per key' }).waitFor();
  await usage.scrollIntoViewIfNeeded();
  await screenshot(page, '02-usage');
});

test('unpublish: the confirmation names the model; the cluster is clean afterwards', async () => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByRole('button', { name: 'Unpublish', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Unpublish ${MODEL}?` });
  await dialog.getByText(/This removes the public endpoint of/).waitFor();
  const confirm = dialog.getByRole('button', { name: `Unpublish ${MODEL}` });
  assert.equal(
    await confirm.isDisabled(),
    true,
    'disabled until the name is typed',
  );
  await dialog.getByLabel(`Type ${MODEL} to confirm`).fill(MODEL);
  await screenshot(page, '02-unpublish-confirm');
  await confirm.click();
  await dialog.waitFor({ state: 'detached' });
  await page
    .getByText('Not published', { exact: true })
    .first()
    .waitFor({ timeout: 120_000 });
  await page.getByText('Publish this model').waitFor();
  await screenshot(page, '02-unpublished');

  const publication = await publicationOf('frank', NS, MODEL);
  assert.equal(publication.status, 'unpublished');
  assert.deepEqual(
    (await cluster()).kinds,
    {},
    'no object of the publication is left',
  );
  assert.deepEqual(
    summary(await managedObjects(NS)),
    {},
    'nothing managed is left in the namespace',
  );
});
