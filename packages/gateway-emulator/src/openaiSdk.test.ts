/*
 * The guide's OpenAI SDK example against the local gateway, as the embedded portal serves qwen-chat:
 * AIGatewayRoute on its own hostname (reached by the path form /_host/<hostname>), API-key auth, a token
 * limit per key charged from the response's usage (envoyproxy/ai-gateway tests/e2e/token_ratelimit_test.go).
 */
import OpenAI from 'openai';
import { demoModelServers } from './stubs/demo';
import {
  Harness,
  createAiRoute,
  createApiKeyPolicy,
  createRateLimitPolicy,
  createSecret,
  programmed,
  startHarness,
} from './__testUtils__/harness';

jest.setTimeout(30_000);

const HOST = 'qwen-chat-genai.llm.localhost';

describe('OpenAI SDK through the local gateway', () => {
  let h: Harness;
  beforeAll(async () => {
    // qwen-chat's stub, moved into the harness namespace: KServe's Hugging Face server under /openai/v1.
    const qwen = demoModelServers({ latencyScale: 0 }).find(s => s.host === 'qwen-chat-predictor.genai')!;
    h = await startHarness([{ ...qwen, host: 'qwen-chat-predictor.conformance' }]);
    await createSecret(h, 'qwen-chat-mp-keys', { 'key-a': 'mpk_a', 'key-b': 'mpk_b' });
    await createAiRoute(h, 'qwen-chat-mp', { hostname: HOST, model: 'qwen-chat', service: 'qwen-chat-predictor', prefix: '/openai/v1' });
    await createApiKeyPolicy(h, 'qwen-chat-mp', 'qwen-chat-mp', 'qwen-chat-mp-keys');
    await createRateLimitPolicy(h, 'qwen-chat-mp', 'qwen-chat-mp', [
      { clientSelectors: [{ headers: [{ name: 'x-client-id', type: 'Distinct' }] }], limit: { requests: 60, unit: 'Minute' } },
      {
        clientSelectors: [{ headers: [{ name: 'x-client-id', type: 'Distinct' }] }],
        limit: { requests: 100, unit: 'Minute' },
        cost: { request: { from: 'Number', number: 0 }, response: { from: 'Metadata', metadata: { namespace: 'io.envoy.ai_gateway', key: 'llm_total_token' } } },
      },
    ]);
    await programmed(h, 'qwen-chat-mp', { auth: true, rules: 2 });
  });
  afterAll(() => h.close());

  const client = (apiKey: string) =>
    new OpenAI({ baseURL: `${h.gateway.url}/_host/${HOST}/v1`, apiKey, maxRetries: 0 });

  it('answers chat completions with usage, streams, and refuses a wrong key (401)', async () => {
    const completion = await client('mpk_a').chat.completions.create({
      model: 'qwen-chat',
      messages: [{ role: 'user', content: 'Say hello in one sentence.' }],
      max_tokens: 16,
    });
    expect(completion.choices[0].message.content).toBeTruthy();
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);

    const stream = await client('mpk_a').chat.completions.create({
      model: 'qwen-chat',
      messages: [{ role: 'user', content: 'Stream please.' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text.length).toBeGreaterThan(0);

    await expect(
      client('mpk_wrong').chat.completions.create({ model: 'qwen-chat', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('refuses the key with 429 once its tokens per minute are spent; another key is unaffected', async () => {
    const ask = (key: string) =>
      client(key).chat.completions.create({ model: 'qwen-chat', messages: [{ role: 'user', content: 'Tell me a long story about tokens.' }], max_tokens: 60 });
    let refused: any;
    for (let i = 0; i < 10 && !refused; i++) {
      try {
        await ask('mpk_a');
      } catch (e) {
        refused = e;
      }
    }
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused.headers.get('x-ratelimit-limit')).toMatch(/^\d+, 60;w=60, 100;w=60$/);
    expect((await ask('mpk_b')).usage!.total_tokens).toBeGreaterThan(0);
  });
});
