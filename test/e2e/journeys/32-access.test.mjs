// Journey 32 (issue 15): consumers get access without asking on chat. Paul (platform team) requests access
// to fraud-sklearn for his Component checkout-scoring: on the automatic plan the key is shown once and works
// through the local gateway; on the manual plan his request waits; Frank (owner) approves it on the Publish
// tab, Paul is notified and collects the key once on "My model access"; a second request is denied with a
// reason Paul sees. Frank is told of the request in his notifications and sees Paul's component among the
// consumers; the catalog graph of checkout-scoring shows its consumesApi relation to the model's API. Grace
// (another team) sees neither Paul's keys nor his usage. axe-core on the request form and on the key,
// approve and deny dialogs; the access pages and the Publish tab's plans at 800 px in the dark theme.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser,
  signedInPage,
  screenshot,
  APP_URL,
} from '../browser.mjs';
import {
  MP,
  api,
  ensureUnpublished,
  eventually,
  modelPath,
} from '../cluster.mjs';
import { GATEWAY_URL } from '../portal.mjs';
import { assertKeyNotShown, takeNewKey } from '../keys.mjs';
import { assertNoSeriousViolations } from '../axe.mjs';

const NS = 'fraud-detection';
const MODEL = 'fraud-sklearn';
const CONSUMER = 'component:default/checkout-scoring';
const ACCESS_TAB = `${APP_URL}/catalog/default/component/${MODEL}/access`;
const PUBLISH_TAB = `${APP_URL}/catalog/default/component/${MODEL}/publish`;
const PREDICT = `${GATEWAY_URL}/models/${NS}/${MODEL}/v1/models/${MODEL}:predict`;
const KEY_NAME = /checkout-scoring-[0-9a-f]{8}/;
const PURPOSE = 'Scores card payments at checkout before they are captured';
const REASON = 'Use the trial plan until the checkout load test is done';

let browser;
let paul;
let frank;
const paulKeys = [];

const predict = key =>
  fetch(PREDICT, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${key}`,
    },
    body: JSON.stringify({ instances: [[0.2, 13.5, 1, 0, 42]] }),
  });

/** The key answers 200 through the local gateway (it reaches the gateway's Secret within seconds). */
async function assertKeyWorks(key, what) {
  await eventually(async () => (await predict(key)).status === 200, {
    what: `${what}: 200 from the gateway`,
    timeoutMs: 30_000,
    intervalMs: 250,
  });
}

/** Waits for `locator`; on a timeout keeps a screenshot of what the page showed instead. */
async function waitOrShoot(page, locator, shot, options) {
  try {
    await locator.waitFor(options);
  } catch (error) {
    await screenshot(page, `32-failed-${shot}`, { fullPage: true });
    throw error;
  }
}

async function mine(user) {
  const { status, body } = await api(user, 'GET', `${MP}/access/mine`);
  assert.equal(status, 200, JSON.stringify(body));
  return body;
}

/** Fills the Access tab's request form (plan by name, Paul's Component as consumer) and sends it. */
async function requestOnAccessTab(plan, shot) {
  await paul.goto(ACCESS_TAB);
  const form = paul.getByRole('form', { name: 'Request access' });
  await waitOrShoot(paul, form, 'request-form', { timeout: 180_000 });
  await form.getByRole('button', { name: /^Plan/ }).click();
  await paul.getByRole('option', { name: new RegExp(`^${plan} —`) }).click();
  await form.getByRole('button', { name: /^Key for/ }).click();
  await paul
    .getByRole('option', { name: `Component ${CONSUMER}`, exact: true })
    .click();
  await form.getByRole('textbox', { name: /Purpose/ }).fill(PURPOSE);
  if (shot) {
    await assertNoSeriousViolations(
      paul,
      'the request-access form',
      'form[aria-label="Request access"]',
    );
    await screenshot(paul, shot, { fullPage: true });
  }
  await form.getByRole('button', { name: 'Request access' }).click();
}

before(async () => {
  await ensureUnpublished('frank', NS, MODEL);
  const { status, body } = await api(
    'frank',
    'POST',
    `${modelPath(NS, MODEL)}/publication`,
    {
      rateLimits: { requestsPerMinute: 60 },
      plans: [
        {
          name: 'trial',
          description: 'Try the model: a key at once, for 30 days',
          approval: 'automatic',
          rateLimits: { requestsPerMinute: 10 },
          maxKeyLifetimeDays: 30,
        },
        {
          name: 'production',
          description: 'For services in production; the owners approve',
          approval: 'manual',
          rateLimits: { requestsPerMinute: 120, requestsPerMonth: 1000000 },
        },
      ],
    },
  );
  assert.equal(status, 201, JSON.stringify(body));
  browser = await launchBrowser();
  paul = await signedInPage(browser, 'paul');
  await paul.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: APP_URL,
  });
  frank = await signedInPage(browser, 'frank');
});
after(async () => {
  await browser?.close();
  await ensureUnpublished('frank', NS, MODEL);
});

test('Paul requests access on the automatic plan: the key is shown once and works through the gateway', async () => {
  await requestOnAccessTab('trial', '32-paul-request-form');
  const key = await takeNewKey(paul, KEY_NAME, '32-paul-trial-key-once');
  paulKeys.push(key);
  await assertKeyWorks(key, 'the trial key');
  const { keys } = await mine('paul');
  assert.deepEqual(
    keys.map(k => [k.consumerRef, k.planName, k.rateLimits, k.key.status]),
    [[CONSUMER, 'trial', { requestsPerMinute: 10 }, 'active']],
  );
  assert.ok(keys[0].key.expiresAt, 'the trial plan caps the key lifetime');
});

test('Paul requests access on the manual plan: the request waits for the owners', async () => {
  await requestOnAccessTab('production');
  await paul
    .getByRole('status')
    .getByText(/Request sent: the model's owners have been notified/)
    .waitFor();
  await paul
    .getByRole('row')
    .filter({ hasText: 'production' })
    .filter({ hasText: 'pending' })
    .first()
    .waitFor();
  await screenshot(paul, '32-paul-request-pending', { fullPage: true });
  const { requests } = await mine('paul');
  assert.deepEqual(
    requests
      .filter(r => r.status === 'pending')
      .map(r => [r.planName, r.consumerRef]),
    [['production', CONSUMER]],
  );
});

test("Frank sees the model's plans in the Publish tab's plans editor", async () => {
  await frank.goto(PUBLISH_TAB);
  const trial = frank.getByRole('group', { name: 'Plan trial' });
  await trial.waitFor({ timeout: 180_000 });
  assert.equal(
    await trial.getByLabel('Longest key lifetime (days)').inputValue(),
    '30',
  );
  const production = frank.getByRole('group', { name: 'Plan production' });
  assert.equal(
    await production.getByLabel('Requests per month').inputValue(),
    '1000000',
  );
  assert.equal(await production.getByLabel('Approval').inputValue(), 'manual');
  await trial.scrollIntoViewIfNeeded();
  await screenshot(frank, '32-frank-plans-editor');
});

test('Frank approves on the Publish tab; Paul is notified and sees the key once on My model access', async () => {
  // The owners are told of the request: Frank's notification links him to where he decides.
  await frank.goto(`${APP_URL}/notifications`);
  const request = frank.getByText(`paul requests access to ${MODEL}`);
  await eventually(
    async () => {
      await frank.reload();
      return request
        .first()
        .waitFor({ timeout: 5000 })
        .then(() => true);
    },
    { what: "Frank's access-request notification", timeoutMs: 60_000 },
  );
  await screenshot(frank, '32-frank-notification');

  await frank.goto(PUBLISH_TAB);
  const approve = frank.getByRole('button', {
    name: "Approve paul's request for checkout-scoring",
  });
  await approve.waitFor({ timeout: 180_000 });
  await screenshot(frank, '32-frank-pending-on-publish-tab', {
    fullPage: true,
  });
  await approve.click();
  const dialog = frank.getByRole('dialog', {
    name: 'Approve access for checkout-scoring',
  });
  await dialog.waitFor();
  await assertNoSeriousViolations(
    frank,
    'the approve dialog',
    '[role="dialog"]',
  );
  await screenshot(frank, '32-frank-approve-dialog');
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  await approve.waitFor({ state: 'detached' });

  // Paul's notification links to his access page.
  await paul.goto(`${APP_URL}/notifications`);
  const notice = paul.getByText(
    `Access to ${MODEL} approved: collect your key`,
  );
  await eventually(
    async () => {
      await paul.reload();
      return notice
        .first()
        .waitFor({ timeout: 5000 })
        .then(() => true);
    },
    { what: "Paul's approval notification", timeoutMs: 60_000 },
  );
  await screenshot(paul, '32-paul-notification');

  await paul.goto(`${APP_URL}/model-access`);
  await paul.getByRole('button', { name: 'Show my key' }).click();
  const key = await takeNewKey(paul, KEY_NAME, '32-paul-approved-key-once');
  paulKeys.push(key);
  await assertKeyWorks(key, 'the approved key');
  // Collected once: the button is gone, the key is listed (prefix only) with its plan.
  assert.equal(
    await paul.getByRole('button', { name: 'Show my key' }).count(),
    0,
  );
  const keysTable = paul.getByRole('table').filter({ hasText: 'Last used' });
  await keysTable
    .getByRole('row')
    .filter({ hasText: 'production' })
    .first()
    .waitFor();
  await assertKeyNotShown(paul, key);
  await screenshot(paul, '32-paul-my-model-access', { fullPage: true });
  const collectedAgain = await api(
    'paul',
    'POST',
    `${MP}/access/requests/${
      (await mine('paul')).requests.find(r => r.planName === 'production').id
    }/key`,
  );
  assert.equal(collectedAgain.status, 409, 'the key is never shown twice');

  // Frank sees Paul's component among the model's consumers.
  await frank.reload();
  const consumer = frank
    .getByRole('row')
    .filter({ hasText: 'checkout-scoring' })
    .filter({ hasText: 'production' })
    .first();
  await consumer.waitFor({ timeout: 60_000 });
  await consumer.scrollIntoViewIfNeeded();
  await screenshot(frank, '32-frank-sees-consumers');
});

test("The catalog graph shows checkout-scoring consuming the model's API", async () => {
  const API_REF = `api:default/${MODEL}-api`;
  // The entity provider names the consumers on the API entity (every 30 s); the processor draws the relation.
  await eventually(
    async () => {
      const res = await api(
        'paul',
        'GET',
        '/api/catalog/entities/by-name/component/default/checkout-scoring',
      );
      return (res.body.relations ?? []).some(
        r => r.type === 'consumesApi' && r.targetRef === API_REF,
      );
    },
    { what: `consumesApi ${API_REF} on checkout-scoring`, timeoutMs: 180_000 },
  );
  // The API entity's side: Paul's component among its consumers.
  const apiEntity = await api(
    'paul',
    'GET',
    `/api/catalog/entities/by-name/api/default/${MODEL}-api`,
  );
  assert.ok(
    apiEntity.body.relations.some(
      r => r.type === 'apiConsumedBy' && r.targetRef === CONSUMER,
    ),
    JSON.stringify(apiEntity.body.relations),
  );
  // The graph names each node by its entity's title.
  const apiTitle = apiEntity.body.metadata.title ?? `${MODEL}-api`;
  await paul.goto(`${APP_URL}/catalog/default/component/checkout-scoring`);
  // The Relations card: the API's node, joined by a consumesApi edge.
  const node = paul.locator('svg text', { hasText: apiTitle }).first();
  await waitOrShoot(paul, node, 'catalog-graph', { timeout: 60_000 });
  assert.ok(
    (await paul.locator('svg text', { hasText: 'consumesApi' }).count()) > 0,
    'the graph labels the edge consumesApi',
  );
  await node.scrollIntoViewIfNeeded();
  await screenshot(paul, '32-catalog-graph-consumes-api', { fullPage: true });
});

test('Frank denies a request with a reason on the approvals page; Paul sees the reason', async () => {
  const requested = await api(
    'paul',
    'POST',
    `${modelPath(NS, MODEL)}/publication/access-requests`,
    { plan: 'production', purpose: PURPOSE, consumer: 'user:default/paul' },
  );
  assert.equal(requested.status, 201, JSON.stringify(requested.body));
  await frank.goto(`${APP_URL}/model-access/approvals`);
  await frank
    .getByRole('button', { name: "Deny paul's request for paul" })
    .click();
  const dialog = frank.getByRole('dialog', { name: 'Deny access for paul' });
  await dialog.waitFor();
  const deny = dialog.getByRole('button', { name: 'Deny', exact: true });
  assert.equal(await deny.isDisabled(), true, 'a reason is required');
  await dialog.getByRole('textbox', { name: /Reason/ }).fill(REASON);
  await assertNoSeriousViolations(frank, 'the deny dialog', '[role="dialog"]');
  await screenshot(frank, '32-frank-deny-dialog');
  await deny.click();
  await dialog.waitFor({ state: 'detached' });

  await paul.goto(`${APP_URL}/model-access`);
  await paul.getByText(`Denied: ${REASON}`).waitFor({ timeout: 60_000 });
  await screenshot(paul, '32-paul-denied', { fullPage: true });
  const denied = (await mine('paul')).requests.find(
    r => r.id === requested.body.request.id,
  );
  assert.equal(denied.status, 'denied');
  assert.equal(denied.reason, REASON);
});

test("Grace (another team) sees neither Paul's keys nor his usage; a denied route changes nothing", async () => {
  const grace = await mine('grace');
  assert.deepEqual(grace.keys, [], 'no keys of Paul');
  assert.deepEqual(grace.requests, []);
  for (const path of [
    `${modelPath(NS, MODEL)}/publication/consumers`,
    `${modelPath(NS, MODEL)}/publication/access-requests`,
    `${modelPath(NS, MODEL)}/publication/usage`,
  ]) {
    const res = await api('grace', 'GET', path);
    assert.equal(res.status, 403, `${path} → ${res.status}`);
  }
  const paulKeyId = (await mine('paul')).keys[0].key.id;
  const suspend = await api(
    'grace',
    'POST',
    `${modelPath(NS, MODEL)}/publication/consumers/${paulKeyId}/suspend`,
  );
  assert.equal(suspend.status, 403);
  for (const key of paulKeys) await assertKeyWorks(key, "Paul's key");

  // In the browser too: Grace's access page lists nothing of Paul's.
  const gracePage = await signedInPage(browser, 'grace');
  await gracePage.goto(`${APP_URL}/model-access`);
  // mine('grace') above has no keys: the table says so once it has loaded.
  await gracePage.getByText(/No keys yet/).waitFor({ timeout: 120_000 });
  assert.equal(
    await gracePage.getByText('checkout-scoring').count(),
    0,
    "Grace's access page shows nothing of Paul's",
  );
  await screenshot(gracePage, '32-grace-my-model-access', { fullPage: true });
  await gracePage.context().close();
});

/** A page at `width` px in the dark theme, signed in as `user`. */
async function darkPageAt(width, user) {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
  });
  await context.addInitScript(name => {
    window.localStorage.setItem('model-publishing-demo-user', name);
    window.localStorage.setItem('theme', 'dark');
  }, user);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  return page;
}

async function assertNoSidewaysScroll(page, what) {
  const [scroll, client] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  assert.ok(
    scroll <= client + 1,
    `${what} scrolls sideways (${scroll} > ${client} px)`,
  );
}

test('At 800 px in the dark theme: the Access tab, My model access and the plans editor fit and pass axe-core', async () => {
  const paulDark = await darkPageAt(800, 'paul');
  await paulDark.goto(ACCESS_TAB);
  await paulDark
    .getByRole('form', { name: 'Request access' })
    .waitFor({ timeout: 180_000 });
  await assertNoSidewaysScroll(paulDark, 'the Access tab at 800 px');
  await assertNoSeriousViolations(paulDark, 'the Access tab (dark, 800 px)');
  await screenshot(paulDark, '32-800-dark-access-tab', { fullPage: true });

  await paulDark.goto(`${APP_URL}/model-access`);
  await paulDark
    .getByRole('row')
    .filter({ hasText: 'production' })
    .first()
    .waitFor();
  await assertNoSidewaysScroll(paulDark, 'My model access at 800 px');
  await assertNoSeriousViolations(paulDark, 'My model access (dark, 800 px)');
  await screenshot(paulDark, '32-800-dark-my-model-access', { fullPage: true });
  await paulDark.context().close();

  const frankDark = await darkPageAt(800, 'frank');
  await frankDark.goto(PUBLISH_TAB);
  const trial = frankDark.getByRole('group', { name: 'Plan trial' });
  await trial.waitFor({ timeout: 180_000 });
  await assertNoSidewaysScroll(frankDark, 'the Publish tab at 800 px');
  await assertNoSeriousViolations(
    frankDark,
    'the plans editor (dark, 800 px)',
    '#mp-plans',
  );
  await trial.scrollIntoViewIfNeeded();
  await screenshot(frankDark, '32-800-dark-plans-editor');
  await screenshot(frankDark, '32-800-dark-publish-tab', { fullPage: true });
  await frankDark.context().close();
});
