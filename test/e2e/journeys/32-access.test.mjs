// Journey 32 (issue 15): consumers get access without asking on chat. Paul (platform team) requests access
// to fraud-sklearn for his Component checkout-scoring: on the automatic plan the key is shown once and works
// through the local gateway; on the manual plan his request waits; Frank (owner) approves it on the Publish
// tab, Paul is notified and collects the key once on "My model access"; a second request is denied with a
// reason Paul sees. Grace (another team) sees neither Paul's keys nor his usage. axe-core on the request
// form and on the key, approve and deny dialogs.
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

async function mine(user) {
  const { status, body } = await api(user, 'GET', `${MP}/access/mine`);
  assert.equal(status, 200, JSON.stringify(body));
  return body;
}

/** Fills the Access tab's request form (plan by name, Paul's Component as consumer) and sends it. */
async function requestOnAccessTab(plan, shot) {
  await paul.goto(ACCESS_TAB);
  const form = paul.getByRole('form', { name: 'Request access' });
  await form.waitFor({ timeout: 180_000 });
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

test('Frank approves on the Publish tab; Paul is notified and sees the key once on My model access', async () => {
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
  await frank
    .getByRole('row')
    .filter({ hasText: 'checkout-scoring' })
    .filter({ hasText: 'production' })
    .first()
    .waitFor({ timeout: 60_000 });
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
});
