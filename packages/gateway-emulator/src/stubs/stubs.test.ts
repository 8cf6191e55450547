import { kserveV1Stub, kserveV2Stub } from './kserve';
import { countTokens, openaiStub } from './openai';
import { StubRequest } from './types';

const req = (method: string, path: string, body?: unknown): StubRequest => ({
  method,
  path,
  query: new URLSearchParams(),
  headers: {},
  body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
});
const parse = (r: { body?: string }) => JSON.parse(r.body ?? 'null');

describe('KServe stubs', () => {
  const v1 = kserveV1Stub({ host: 'm.ns', model: 'm', latencyScale: 0 });
  const v2 = kserveV2Stub({ host: 'x.ns', model: 'x', latencyScale: 0 });

  it('v1: predicts one value per instance, deterministically', async () => {
    const a = await v1.handle(req('POST', '/v1/models/m:predict', { instances: [[1, 2], [3, 4], [1, 2]] }));
    expect(a.status).toBe(200);
    const { predictions } = parse(a);
    expect(predictions).toHaveLength(3);
    expect(predictions[0]).toBe(predictions[2]);
    expect(parse(await v1.handle(req('GET', '/v1/models/m')))).toEqual({ name: 'm', ready: true });
  });

  it('v1: 404 for another model, 400 without instances', async () => {
    expect((await v1.handle(req('POST', '/v1/models/other:predict', { instances: [] }))).status).toBe(404);
    const bad = await v1.handle(req('POST', '/v1/models/m:predict', { rows: [] }));
    expect(bad.status).toBe(400);
    expect(parse(bad).error).toMatch(/instances/);
  });

  it('v2: infer returns one output per row of the input shape; metadata and readiness', async () => {
    const r = await v2.handle(req('POST', '/v2/models/x/infer', { inputs: [{ name: 'input-0', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] }] }));
    expect(r.status).toBe(200);
    expect(parse(r)).toMatchObject({ model_name: 'x', outputs: [{ name: 'output-0', shape: [2], datatype: 'FP32' }] });
    expect((await v2.handle(req('POST', '/v2/models/x/infer', { inputs: [{ name: 'i', shape: [3, 2], datatype: 'FP32', data: [1] }] }))).status).toBe(400);
    expect(parse(await v2.handle(req('GET', '/v2/models/x'))).name).toBe('x');
    expect(parse(await v2.handle(req('GET', '/v2/models/x/ready')))).toEqual({ name: 'x', ready: true });
  });
});

describe('OpenAI stub', () => {
  const llm = openaiStub({ host: 'l.ns', model: 'llm', prefix: '/openai/v1', latencyScale: 0 });

  it('chat and text completions carry usage that adds up and respects max_tokens', async () => {
    const chat = parse(await llm.handle(req('POST', '/openai/v1/chat/completions', { model: 'llm', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 5 })));
    expect(chat.object).toBe('chat.completion');
    expect(chat.usage.total_tokens).toBe(chat.usage.prompt_tokens + chat.usage.completion_tokens);
    expect(chat.usage.completion_tokens).toBeLessThanOrEqual(6);
    expect(countTokens(chat.choices[0].message.content)).toBe(chat.usage.completion_tokens);
    const text = parse(await llm.handle(req('POST', '/openai/v1/completions', { model: 'llm', prompt: 'Once' })));
    expect(text.object).toBe('text_completion');
    expect(text.usage.prompt_tokens).toBe(1);
  });

  it('embeddings and models', async () => {
    const e = parse(await llm.handle(req('POST', '/openai/v1/embeddings', { model: 'llm', input: ['a', 'bb'] })));
    expect(e.data).toHaveLength(2);
    expect(e.usage.prompt_tokens).toBe(2);
    expect(parse(await llm.handle(req('GET', '/openai/v1/models'))).data[0].id).toBe('llm');
  });

  it('refuses an unknown model (404) and a chat without messages (400), OpenAI-style', async () => {
    const unknown = await llm.handle(req('POST', '/openai/v1/chat/completions', { model: 'gpt', messages: [] }));
    expect(unknown.status).toBe(404);
    expect(parse(unknown).error.param).toBe('model');
    expect((await llm.handle(req('POST', '/openai/v1/chat/completions', { model: 'llm' }))).status).toBe(400);
  });

  it('streams chunks, ending with a usage chunk when asked and [DONE]', async () => {
    const r = await llm.handle(req('POST', '/openai/v1/chat/completions', { model: 'llm', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } }));
    const chunks: string[] = [];
    for await (const c of r.stream!) chunks.push(c);
    expect(chunks.at(-1)).toBe('data: [DONE]\n\n');
    const usage = JSON.parse(chunks.at(-2)!.slice(6)).usage;
    const content = chunks.slice(0, -2).map(c => JSON.parse(c.slice(6)).choices[0]?.delta?.content ?? '').join('');
    expect(countTokens(content)).toBe(usage.completion_tokens);
  });
});
