/*
 * Envoy AI Gateway behaviour, as its e2e suite states it:
 * - envoyproxy/ai-gateway tests/e2e/token_ratelimit_test.go (Test_Examples_TokenRateLimit): the request whose
 *   response crosses a token limit is still served (200); the next request of that user gets 429; other users
 *   are unaffected.
 * - envoyproxy/ai-gateway tests/e2e/testupstream_test.go (TestWithTestUpstream "/chat/completions"): the model
 *   in the body picks the backend and the upstream path follows the backend's schema; an unknown model gets
 *   404 "No matching route found. ...".
 */
import { NO_MODEL_ROUTE_MESSAGE } from '../aiGateway';
import {
  Harness,
  call,
  createAiRoute,
  createApiKeyPolicy,
  createRateLimitPolicy,
  createSecret,
  fixedUsageStub,
  programmed,
  startHarness,
} from '../__testUtils__/harness';

const HOST = 'llm.conformance.example';
const TOKEN_HOST = 'tokens.conformance.example';
const tokenCost = { request: { from: 'Number', number: 0 }, response: { from: 'Metadata', metadata: { namespace: 'io.envoy.ai_gateway', key: 'llm_total_token' } } };


// The first emulator start in a process compiles the CRD schemas (several seconds on a busy machine).
jest.setTimeout(30_000);

describe('AI Gateway routes (envoyproxy/ai-gateway tests/e2e)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([fixedUsageStub('fixed-predictor.conformance', 'rate-limit-funky-model')]);
    await createSecret(h, 'llm-keys', { 'key-1': 'k1', 'key-2': 'k2' });
    await createAiRoute(h, 'llm', { hostname: HOST, model: 'llm', service: 'llm-predictor', prefix: '/openai/v1' });
    await createApiKeyPolicy(h, 'llm', 'llm', 'llm-keys');
    await createAiRoute(h, 'tokens', { hostname: TOKEN_HOST, model: 'rate-limit-funky-model', service: 'fixed-predictor', prefix: '/v1' });
    await createApiKeyPolicy(h, 'tokens', 'tokens', 'llm-keys');
    await createRateLimitPolicy(h, 'tokens', 'tokens', [
      { clientSelectors: [{ headers: [{ name: 'x-client-id', type: 'Distinct' }] }], limit: { requests: 1000, unit: 'Hour' }, cost: tokenCost },
    ]);
    await programmed(h, 'llm', { auth: true });
    await programmed(h, 'tokens', { auth: true, rules: 1 });
  });
  afterAll(() => h.close());

  const chat = (model: string) => ({ model, messages: [{ role: 'user', content: 'Say this is a test' }] });

  describe('model routing (tests/e2e/testupstream_test.go)', () => {
    it('routes by the body model to the backend, under the AIServiceBackend schema prefix', async () => {
      const r = await call(h, '/v1/chat/completions', { host: HOST, headers: { authorization: 'Bearer k1' }, body: chat('llm') });
      expect(r.status).toBe(200);
      expect(r.json.object).toBe('chat.completion');
      expect(r.json.usage.total_tokens).toBe(r.json.usage.prompt_tokens + r.json.usage.completion_tokens);
      const upstream = h.gateway.upstreamRequests.at(-1)!;
      expect(upstream.path).toBe('/openai/v1/chat/completions');
      expect(upstream.headers['x-ai-eg-model']).toBe('llm');
      expect(upstream.headers.authorization).toBeUndefined();
    });

    it('answers 404 "No matching route found" for a model the route does not serve', async () => {
      const r = await call(h, '/v1/chat/completions', { host: HOST, headers: { authorization: 'Bearer k1' }, body: chat('non-existent-model') });
      expect(r.status).toBe(404);
      expect(r.text).toBe(NO_MODEL_ROUTE_MESSAGE);
    });

    it('authenticates before it reads the model: no key is 401 whatever the model', async () => {
      expect((await call(h, '/v1/chat/completions', { host: HOST, body: chat('llm') })).status).toBe(401);
      expect((await call(h, '/v1/chat/completions', { host: HOST, body: chat('non-existent-model') })).status).toBe(401);
    });

    it('answers a request for a host no route serves with 404', async () => {
      expect((await call(h, '/v1/chat/completions', { host: 'other.example', headers: { authorization: 'Bearer k1' }, body: chat('llm') })).status).toBe(404);
    });

    it('lists the route’s models on GET /v1/models', async () => {
      const r = await call(h, '/v1/models', { host: HOST, headers: { 'x-api-key': 'k1' } });
      expect(r.status).toBe(200);
      expect(r.json.data.map((m: { id: string }) => m.id)).toEqual(['llm']);
    });

    it('streams SSE chunks and counts the tokens of the final usage chunk', async () => {
      const res = await fetch(`${h.gateway.url}/_host/${HOST}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer k2' },
        body: JSON.stringify({ ...chat('llm'), stream: true }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const text = await res.text();
      expect(text.trim().endsWith('data: [DONE]')).toBe(true);
      const usageChunk = text.split('\n\n').map(s => s.replace(/^data: /, '')).filter(s => s.includes('"usage":{')).at(-1)!;
      const usage = JSON.parse(usageChunk).usage;
      const logged = h.logs.filter(l => l.client_id === 'key-2').at(-1)!;
      expect(logged.input_tokens).toBe(usage.prompt_tokens);
      expect(logged.output_tokens).toBe(usage.completion_tokens);
    });
  });

  describe('token rate limit (tests/e2e/token_ratelimit_test.go)', () => {
    const makeRequest = (key: string, usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }) =>
      call(h, '/v1/chat/completions', {
        host: TOKEN_HOST,
        headers: { authorization: `Bearer ${key}`, 'x-test-usage': JSON.stringify(usage) },
        body: chat('rate-limit-funky-model'),
      });

    it('serves the request that crosses the limit, then refuses that client with 429; others are unaffected', async () => {
      expect((await makeRequest('k1', { prompt_tokens: 0, completion_tokens: 0, total_tokens: 20 })).status).toBe(200);
      expect((await makeRequest('k1', { prompt_tokens: 0, completion_tokens: 0, total_tokens: 1_000_000 })).status).toBe(200);
      const limited = await makeRequest('k1', { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('x-ratelimit-limit')).toBe('1000, 1000;w=3600');
      expect((await makeRequest('k2', { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 })).status).toBe(200);
    });

    it('logs tokens from the response usage for the access-log ingest', () => {
      const big = h.logs.find(l => l.total_tokens === 1_000_000)!;
      expect(big).toMatchObject({ client_id: 'key-1', response_code: 200, route_name: `httproute/conformance/tokens/rule/0/match/0/tokens_conformance_example` });
    });
  });
});
