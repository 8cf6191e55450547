// Journey 5: self-service publishing through the software template "Publish a model" (/create).
// Paul (another team) is offered no model, and a run for risk-xgboost fails with a clear "not allowed"
// message, creating nothing; Frank (an owner) runs it and the finished task links to the Publish tab.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser,
  signedInPage,
  screenshot,
  APP_URL,
} from '../browser.mjs';
import { BACKEND_URL } from '../portal.mjs';
import {
  ensureUnpublished,
  managedObjects,
  publicationOf,
  summary,
  tokenFor,
} from '../cluster.mjs';

const NS = 'fraud-detection';
const MODEL = 'risk-xgboost';
const REF = `component:default/${MODEL}`;
const TEMPLATE = `${APP_URL}/create/templates/default/publish-model`;

let browser;
before(async () => {
  await ensureUnpublished('frank', NS, MODEL);
  browser = await launchBrowser();
});
after(async () => browser?.close());

/** Goes through the template's pages (model, limits, plans — left at the default plan) and the review, then creates the task. */
async function runTemplate(page, { pickModel, limits, keyName }) {
  await pickModel();
  if (keyName) await page.getByLabel(/Name of the first API key/).fill(keyName);
  await page.getByRole('button', { name: 'Next' }).click();
  for (const [label, value] of Object.entries(limits)) {
    await page.getByLabel(label, { exact: true }).fill(String(value));
  }
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL('**/create/tasks/**', { timeout: 60_000 });
}

test('Paul cannot publish through the template: no model offered, and a run fails with "not allowed"', async () => {
  const page = await signedInPage(browser, 'paul');
  await page.goto(TEMPLATE);
  const picker = page.getByRole('textbox', { name: 'Model', exact: true });
  await picker.waitFor({ timeout: 180_000 });
  await picker.click();
  // The picker offers only models the user's teams own: none for Paul.
  await page.getByText('No options').waitFor();
  assert.equal(await page.getByRole('option').count(), 0);
  await screenshot(page, '05-template-paul-no-models');

  // The picker is a convenience; the action enforces. Run the template through the scaffolder API
  // with Paul's own token (as a script or another portal would) and look at the task in the browser.
  const token = await tokenFor('paul');
  const res = await fetch(`${BACKEND_URL}/api/scaffolder/v2/tasks`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      templateRef: 'template:default/publish-model',
      values: { model: REF, rateLimits: { requestsPerMinute: 10 } },
    }),
  });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  const { id } = JSON.parse(text);
  await page.goto(`${APP_URL}/create/tasks/${id}`);
  await page
    .getByText(`You are not allowed to publish ${REF}`)
    .first()
    .waitFor({ timeout: 120_000 });
  await screenshot(page, '05-template-denied');

  const task = await (
    await fetch(`${BACKEND_URL}/api/scaffolder/v2/tasks/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    })
  ).json();
  assert.equal(task.status, 'failed');
  assert.deepEqual(
    summary(await managedObjects(NS)),
    {},
    'nothing was created',
  );
  const publication = await publicationOf('frank', NS, MODEL);
  assert.ok(
    !publication || publication.status === 'unpublished',
    'the model is not published',
  );
  await page.context().close();
});

test('Frank publishes risk-xgboost through the template; the finished task links to the Publish tab', async () => {
  const page = await signedInPage(browser, 'frank');
  await page.goto(`${APP_URL}/create`);
  // The template's card: the Templates list is one article holding every card (this one and "Request
  // access to a model"), each card a MUI Card with the template's title as a heading.
  const card = page.locator('.MuiCard-root').filter({
    has: page.getByRole('heading', { name: 'Publish a model', level: 4 }),
  });
  await card.waitFor({ timeout: 180_000 });
  await screenshot(page, '05-create-page');
  await card.getByRole('button', { name: 'Choose' }).click();
  await page.waitForURL(`**/create/templates/default/publish-model`);
  await runTemplate(page, {
    pickModel: async () => {
      const picker = page.getByRole('textbox', { name: 'Model', exact: true });
      await picker.click();
      // Only the models Frank's team owns are offered.
      const options = page.getByRole('option');
      await options.first().waitFor();
      const names = await options.allInnerTexts();
      assert.ok(
        names.some(n => n.includes(MODEL)),
        `risk-xgboost offered in ${names}`,
      );
      assert.ok(
        !names.some(n => n.includes('qwen-chat')),
        `no gen-AI model offered in ${names}`,
      );
      await options.filter({ hasText: MODEL }).first().click();
    },
    limits: { 'Requests per minute': 100, 'Requests per day': 20000 },
    keyName: 'risk-batch',
  });
  await page
    .getByText('Published', { exact: true })
    .first()
    .waitFor({ timeout: 180_000 });
  const publishTab = page.getByRole('link', {
    name: 'Create an API key on the Publish tab',
  });
  await publishTab.waitFor();
  await page.getByRole('link', { name: 'API guide' }).waitFor();
  await page
    .getByText(`http://localhost:8080/models/${NS}/${MODEL}`)
    .first()
    .waitFor();
  await screenshot(page, '05-template-finished');

  const publication = await publicationOf('frank', NS, MODEL);
  assert.equal(publication.status, 'published');
  assert.deepEqual(publication.config.rateLimits, {
    requestsPerMinute: 100,
    requestsPerDay: 20000,
  });
  assert.deepEqual(summary(await managedObjects(NS, publication.id)), {
    Secret: [`${MODEL}-mp-keys`],
    HTTPRoute: [`${MODEL}-mp`],
    SecurityPolicy: [`${MODEL}-mp`],
    BackendTrafficPolicy: [`${MODEL}-mp`],
  });

  // The link leads to the Publish tab, where the key is created (the template never creates one).
  const href = await publishTab.getAttribute('href');
  assert.match(
    href,
    new RegExp(`/catalog/default/component/${MODEL}/publish$`),
  );
  await page.goto(new URL(href, APP_URL).href);
  await page.getByText('Publication settings').waitFor();
  await page.getByText('No API keys yet').waitFor();
  await page.context().close();
});
