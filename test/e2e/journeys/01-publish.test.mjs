// Journey 1: a model owner finds an InferenceService in the catalog, previews and publishes it from the
// Publish tab, sees the progress and the endpoint, and gets the first API key exactly once.
// Journey 2 (02-manage.test.mjs) continues with this publication when it runs after this file.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser,
  signedInPage,
  screenshot,
  APP_URL,
} from '../browser.mjs';
import {
  ensureUnpublished,
  managedObjects,
  publicationOf,
  summary,
} from '../cluster.mjs';
import { keyRow, secretKeys, takeNewKey } from '../keys.mjs';

const NS = 'fraud-detection';
const MODEL = 'fraud-sklearn'; // owned by group fraud-detection; Frank is a member
const ENDPOINT = `http://localhost:8080/models/${NS}/${MODEL}`; // the local gateway

let browser;
let page;
let secret;
before(async () => {
  await ensureUnpublished('frank', NS, MODEL);
  browser = await launchBrowser();
  page = await signedInPage(browser, 'frank');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: APP_URL,
  });
});
after(async () => browser?.close());

test('Frank finds fraud-sklearn in the catalog and opens its Publish tab', async () => {
  await page.goto(
    `${APP_URL}/?filters%5Bkind%5D=component&filters%5Btype%5D=inference-service&filters%5Buser%5D=all`,
  );
  const link = page.getByRole('link', { name: MODEL, exact: true });
  await link.waitFor({ timeout: 180_000 }); // the dev server compiles the app on the first load
  await page.getByRole('link', { name: 'risk-xgboost', exact: true }).waitFor();
  await screenshot(page, '01-catalog');
  await link.click();
  await page.getByRole('heading', { name: MODEL }).first().waitFor();
  // Publish is a tab of its own on the entity page (issue 23, item 9: no longer under "Deployment").
  await page
    .getByRole('tab', { name: 'Publish', exact: true })
    .or(page.getByRole('link', { name: 'Publish', exact: true }))
    .first()
    .click();
  await page.waitForURL(`**/catalog/default/component/${MODEL}/publish`);
  await page.getByText('Publish this model').waitFor();
  await page.getByText('Not published', { exact: true }).first().waitFor();
  await page.getByText(/Detected kind: KServe v1 predict/).waitFor();
  await screenshot(page, '01-publish-form');
});

test('the preview lists the objects a publish would create, and creates nothing', async () => {
  // The form starts from the defaults (60 requests per minute, a first key named "default").
  assert.equal(await page.getByLabel('Requests per minute').inputValue(), '60');
  await page.getByLabel('Requests per day').fill('10000');
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  const preview = page.getByLabel('Objects that will be created');
  await preview
    .getByText('4 objects will be created, in this order:')
    .waitFor();
  for (const kind of [
    'Secret',
    'SecurityPolicy',
    'BackendTrafficPolicy',
    'HTTPRoute',
  ]) {
    await preview.getByText(kind, { exact: true }).waitFor();
  }
  await preview.getByRole('button', { name: /HTTPRoute/ }).click(); // expand the route's manifest
  const manifest = preview.getByText(`"name": "${MODEL}-mp"`).first();
  await manifest.waitFor();
  await preview
    .getByText('HTTPRoute', { exact: true })
    .scrollIntoViewIfNeeded();
  await screenshot(page, '01-dry-run');
  assert.deepEqual(
    summary(await managedObjects(NS)),
    {},
    'a dry run writes nothing to the cluster',
  );
});

test('publishing shows progress, then the endpoint, and the first key once', async () => {
  await page.getByLabel('First API key name').fill('e2e-first');
  // Hold the request a moment so the in-flight state is on screen long enough to capture.
  let release;
  const held = new Promise(r => (release = r));
  await page.route(
    '**/api/model-publishing/models/**/publication',
    async route => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    },
  );
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  const publishButton = page.getByRole('button', {
    name: 'Publish',
    exact: true,
  });
  assert.equal(
    await publishButton.isDisabled(),
    true,
    'the form is busy while publishing',
  );
  await page.getByRole('progressbar').first().waitFor();
  await screenshot(page, '01-publishing');
  release();

  secret = await takeNewKey(page, 'e2e-first', '01-key-once');
  await page.unroute('**/api/model-publishing/models/**/publication');

  await page
    .getByText('Published', { exact: true })
    .first()
    .waitFor({ timeout: 120_000 });
  const endpoints = page.getByRole('list', { name: 'Endpoints' });
  await endpoints.getByText(ENDPOINT, { exact: true }).waitFor();
  await page
    .getByRole('button', { name: `Copy endpoint ${ENDPOINT}`, exact: true })
    .waitFor();
  // After closing the dialog only the key's first characters are visible (the prefix ends with …; the
  // row's other code cell is the key's short id, issue 23 item 4).
  const row = keyRow(page, 'e2e-first');
  await row.waitFor();
  const prefix = (
    await row.locator('code').filter({ hasText: /…$/ }).innerText()
  ).replace(/…$/, '');
  assert.ok(
    prefix.length >= 4 && prefix.length < secret.length,
    `prefix "${prefix}" is a short prefix`,
  );
  assert.ok(
    secret.startsWith(prefix),
    'the table shows the first characters of the key',
  );
  await screenshot(page, '01-published');
  await row.scrollIntoViewIfNeeded();
  await screenshot(page, '01-key-prefix-only');
});

test('the cluster has the route, the API-key policy, the limits and the key Secret', async () => {
  const publication = await publicationOf('frank', NS, MODEL);
  assert.equal(publication.status, 'published');
  const objects = await managedObjects(NS, publication.id);
  assert.deepEqual(summary(objects), {
    Secret: [`${MODEL}-mp-keys`],
    HTTPRoute: [`${MODEL}-mp`],
    SecurityPolicy: [`${MODEL}-mp`],
    BackendTrafficPolicy: [`${MODEL}-mp`],
  });
  // The key shown once is the key the gateway enforces (and the only one).
  assert.deepEqual(Object.values(secretKeys(objects.Secret[0])), [secret]);
  const route = objects.HTTPRoute[0];
  assert.equal(route.spec.parentRefs[0].name, 'public-gateway');
  assert.ok(
    JSON.stringify(route.spec.rules).includes(`/models/${NS}/${MODEL}`),
    'the route serves the published path',
  );
  const limits = JSON.stringify(objects.BackendTrafficPolicy[0].spec.rateLimit);
  assert.ok(
    limits.includes('"requests":60,"unit":"Minute"'),
    `60 requests per minute in ${limits}`,
  );
  assert.ok(
    limits.includes('"requests":10000,"unit":"Day"'),
    `10000 requests per day in ${limits}`,
  );
});
