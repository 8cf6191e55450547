// Journey 7: an LLM through the local gateway with the guide's OpenAI SDK example (issue 16).
// Grace publishes qwen-chat with a small token limit and a key. The guide's JavaScript OpenAI SDK example, run
// unchanged with node and the `openai` npm package, answers; run again until the key's tokens per minute are spent,
// the SDK fails with a 429 and the gateway's answer carries the rate-limit headers; the usage counts the tokens.
// Then key rotation: right after a rotation the old key and the new one both answer; after the grace period (and
// the key sweep that takes the old key out of the Secret) the old key gets 401 and the new one still answers.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { api, ensureUnpublished, eventually, modelPath } from '../cluster.mjs';
import { ARTIFACTS, GATEWAY_URL } from '../portal.mjs';

const run = promisify(execFile);
const NS = 'genai';
const MODEL = 'qwen-chat';
const BASE_URL = `${GATEWAY_URL}/_host/${MODEL}-${NS}.llm.localhost/v1`;
const TOKENS_PER_MINUTE = 150;

let key;
let example;

const client = apiKey =>
  new OpenAI({ baseURL: BASE_URL, apiKey, maxRetries: 0 });
const ask = apiKey =>
  client(apiKey).chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'Say hello.' }],
    max_tokens: 8,
  });
/** The HTTP status a call with this key gets (200, or the SDK error's status). */
const statusOf = async apiKey => {
  try {
    await ask(apiKey);
    return 200;
  } catch (e) {
    if (typeof e?.status === 'number') return e.status;
    throw e;
  }
};

/** What the gateway's key check says, without spending tokens: `GET /v1/models` (200, or 401 for a refused key). */
const authStatus = async apiKey =>
  (
    await fetch(`${BASE_URL}/models`, {
      headers: { authorization: `Bearer ${apiKey}` },
    })
  ).status;

/** The guide's example, as written, in a file next to the screenshots (`openai` resolves from the repo). */
const runExample = () =>
  run(process.execPath, [example], {
    env: { ...process.env, MODEL_API_KEY: key },
    timeout: 60_000,
  });

before(async () => {
  await ensureUnpublished('grace', NS, MODEL);
  const published = await api(
    'grace',
    'POST',
    `${modelPath(NS, MODEL)}/publication`,
    {
      rateLimits: {
        requestsPerMinute: 100,
        tokensPerMinute: TOKENS_PER_MINUTE,
      },
      firstKey: { name: 'e2e-sdk' },
    },
  );
  assert.equal(published.status, 201, JSON.stringify(published.body));
  key = published.body.key.secret;
  await eventually(async () => (await statusOf(key)) !== 404, {
    what: 'the local gateway serves the new AIGatewayRoute',
    timeoutMs: 30_000,
    intervalMs: 250,
  });
});

after(async () => {
  await ensureUnpublished('grace', NS, MODEL);
});

test("the guide's OpenAI SDK example (JavaScript), run unchanged, answers; past the token limit the SDK gets a 429", async () => {
  const guide = await api(
    'grace',
    'GET',
    `${modelPath(NS, MODEL)}/publication/guide`,
  );
  assert.equal(guide.status, 200);
  const code = [
    ...guide.body.markdown.matchAll(/```(?:javascript|js)\n([\s\S]*?)```/g),
  ]
    .map(m => m[1])
    .find(
      block =>
        block.includes("from 'openai'") &&
        block.includes('chat.completions.create') &&
        !block.includes('stream'),
    );
  assert.ok(code, 'the guide has a JavaScript OpenAI SDK chat example');
  assert.ok(
    code.includes(`baseURL: '${BASE_URL}'`),
    `the example's base URL is the local gateway's: ${code}`,
  );
  mkdirSync(ARTIFACTS, { recursive: true });
  example = join(ARTIFACTS, '07-openai-chat.mjs');
  writeFileSync(example, code);
  const { stdout } = await runExample();
  assert.ok(stdout.trim().length > 0, 'the example prints the completion');

  // Each completion is charged its total tokens after the response (AI Gateway's token limit): within a few
  // runs of the same minute the key is refused.
  let refused;
  for (let i = 0; i < 12 && !refused; i++) {
    try {
      await runExample();
    } catch (e) {
      refused = e;
    }
  }
  assert.ok(
    refused,
    `a 429 within 12 runs at ${TOKENS_PER_MINUTE} tokens per minute`,
  );
  assert.match(
    String(refused.stderr),
    /429/,
    `the SDK reports the 429: ${refused.stderr}`,
  );

  const r = await fetch(`${BASE_URL}/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 8,
    }),
  });
  assert.equal(r.status, 429);
  assert.match(
    r.headers.get('x-ratelimit-limit'),
    new RegExp(`, ${TOKENS_PER_MINUTE};w=60`),
  );
  assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
  assert.ok(Number(r.headers.get('x-ratelimit-reset')) > 0);
});

test('usage counts those calls and their tokens (access logs of the local gateway, through the ingest)', async () => {
  await eventually(
    async () => {
      const r = await api(
        'grace',
        'GET',
        `${modelPath(NS, MODEL)}/publication/usage`,
      );
      assert.equal(r.status, 200);
      const t = r.body.totals;
      return t.requests >= 3 &&
        t.status429 >= 1 &&
        t.inputTokens > 0 &&
        t.outputTokens > 0
        ? t
        : undefined;
    },
    { what: 'usage shows the calls and tokens', timeoutMs: 30_000 },
  );
});

test('a rotated key works during its grace period and gets 401 after it; the new key keeps working', async () => {
  const created = await api(
    'grace',
    'POST',
    `${modelPath(NS, MODEL)}/publication/keys`,
    {
      name: 'e2e-rotate',
      // Its own token budget: the embedded portal's demo traffic calls with keys of the Secret too.
      rateLimits: { tokensPerMinute: 100_000 },
    },
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const old = created.body.secret;
  await eventually(async () => (await statusOf(old)) === 200, {
    what: 'the new key is accepted',
    timeoutMs: 10_000,
    intervalMs: 100,
  });

  // 0.01 h = 36 s of grace.
  const rotated = await api(
    'grace',
    'POST',
    `${modelPath(NS, MODEL)}/publication/keys/${created.body.key.id}/rotate`,
    {
      gracePeriodHours: 0.01,
    },
  );
  assert.equal(rotated.status, 201, JSON.stringify(rotated.body));
  const graceUntil = Date.parse(rotated.body.previous.graceUntil);
  assert.ok(graceUntil > Date.now(), 'the old key is in its grace period');
  const fresh = rotated.body.secret;
  await eventually(async () => (await statusOf(fresh)) === 200, {
    what: 'the rotated-in key is accepted',
    timeoutMs: 10_000,
    intervalMs: 100,
  });
  assert.equal(await statusOf(old), 200, 'the old key during the grace period');

  // After the grace period the key sweep (every minute) takes the old key out of the Secret.
  await eventually(async () => (await authStatus(old)) === 401, {
    what: 'the old key refused after its grace period',
    timeoutMs: 36_000 + 150_000,
    intervalMs: 2000,
  });
  assert.ok(
    Date.now() >= graceUntil,
    'not refused before the grace period ended',
  );
  const after = await fetch(`${BASE_URL}/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${fresh}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: 'Say hello.' }],
      max_tokens: 8,
    }),
  });
  assert.equal(
    after.status,
    200,
    `the new key keeps working: ${after.status} ${JSON.stringify(
      Object.fromEntries(after.headers),
    )} ${await after.text()}`,
  );
});
