import type { ModelServerStub, StubResponse, StubTiming } from './types';
import { json, parseJson, sleep, unitHash } from './types';

export interface OpenAIStubOptions extends StubTiming {
  host: string;
  model: string;
  /** The server's OpenAI prefix: `/v1` for vLLM, `/openai/v1` for KServe's Hugging Face server. */
  prefix: string;
  /** Time to first token and per generated token, in ms before scaling (a small model on one GPU). */
  firstTokenMs?: number;
  perTokenMs?: number;
}

/** Rough tokenizer: about four characters per token, as tiktoken averages on English text. */
export const countTokens = (text: string) =>
  text ? Math.max(1, Math.ceil(text.length / 4)) : 0;

const WORDS =
  'the model answers with a short demo reply generated locally by the gateway emulator stub for testing purposes only'.split(
    ' ',
  );

/** A deterministic reply of about `tokens` tokens for a prompt. */
function reply(prompt: string, tokens: number): string {
  const start = Math.floor(unitHash(prompt) * WORDS.length);
  const words: string[] = [];
  let text = '';
  for (let i = 0; countTokens(text) < tokens; i++) {
    words.push(WORDS[(start + i) % WORDS.length]);
    text = words.join(' ');
  }
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((p: any) => p?.text ?? '').join(' ');
  return '';
}

function promptText(body: any): string {
  if (Array.isArray(body?.messages)) {
    return body.messages.map((m: any) => contentText(m?.content)).join('\n');
  }
  const p = body?.prompt;
  if (Array.isArray(p)) return p.join('\n');
  return typeof p === 'string' ? p : '';
}

const openaiError = (status: number, message: string, param?: string) =>
  json(status, {
    error: {
      message,
      type: 'invalid_request_error',
      param: param ?? null,
      code: null,
    },
    object: 'error',
  });

/**
 * vLLM's OpenAI-compatible server: `/models`, `/chat/completions` (with `stream`), `/completions` and
 * `/embeddings` under its prefix, with `usage` token counts. Streams end with a usage chunk when
 * `stream_options.include_usage` is set (AI Gateway sets it to count tokens).
 */
export function openaiStub(opts: OpenAIStubOptions): ModelServerStub {
  const created = Math.floor(Date.now() / 1000);
  return {
    host: opts.host,
    async handle(req) {
      if (!req.path.startsWith(`${opts.prefix}/`))
        return json(404, { detail: 'Not Found' });
      const op = req.path.slice(opts.prefix.length);
      if (op === '/models' && req.method === 'GET') {
        return json(200, {
          object: 'list',
          data: [
            {
              id: opts.model,
              object: 'model',
              created,
              owned_by: 'vllm',
              root: opts.model,
              max_model_len: 4096,
            },
          ],
        });
      }
      if (!['/chat/completions', '/completions', '/embeddings'].includes(op)) {
        return json(404, { detail: 'Not Found' });
      }
      if (req.method !== 'POST')
        return json(405, { detail: 'Method Not Allowed' });
      const parsed = parseJson(req.body);
      if (
        !parsed.ok ||
        typeof parsed.value !== 'object' ||
        parsed.value === null
      ) {
        return openaiError(
          400,
          parsed.ok ? 'request body must be a JSON object' : parsed.error,
        );
      }
      const body = parsed.value;
      if (body.model !== opts.model) {
        return openaiError(
          404,
          `The model \`${body.model}\` does not exist.`,
          'model',
        );
      }
      if (op === '/embeddings') return embeddings(opts, body);
      if (op === '/chat/completions' && !Array.isArray(body.messages)) {
        return openaiError(400, 'messages: field required', 'messages');
      }
      if (op === '/completions' && body.prompt === undefined) {
        return openaiError(400, 'prompt: field required', 'prompt');
      }
      const prompt = promptText(body);
      const promptTokens =
        countTokens(prompt) +
        (op === '/chat/completions' ? 3 * body.messages.length : 0);
      const maxTokens = Number(
        body.max_completion_tokens ?? body.max_tokens ?? 32,
      );
      const want = Math.max(
        1,
        Math.min(maxTokens, 8 + Math.floor(unitHash(prompt) * 40)),
      );
      const text = reply(prompt, want);
      const completionTokens = countTokens(text);
      const usage = {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      };
      const finish = completionTokens >= maxTokens ? 'length' : 'stop';
      const id = `${
        op === '/chat/completions' ? 'chatcmpl' : 'cmpl'
      }-${globalThis.crypto.randomUUID().replace(/-/g, '')}`;
      const chat = op === '/chat/completions';
      const firstMs = (opts.firstTokenMs ?? 60) * opts.latencyScale;
      const perMs = (opts.perTokenMs ?? 8) * opts.latencyScale;
      if (body.stream === true) {
        return {
          status: 200,
          headers: {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache',
          },
          stream: streamChunks({
            id,
            chat,
            model: opts.model,
            text,
            usage,
            finish,
            firstMs,
            perMs,
            includeUsage: body.stream_options?.include_usage === true,
          }),
        };
      }
      await sleep(firstMs + perMs * completionTokens);
      const base = {
        id,
        created: Math.floor(Date.now() / 1000),
        model: opts.model,
      };
      return json(
        200,
        chat
          ? {
              ...base,
              object: 'chat.completion',
              choices: [
                {
                  index: 0,
                  message: { role: 'assistant', content: text },
                  logprobs: null,
                  finish_reason: finish,
                },
              ],
              usage,
            }
          : {
              ...base,
              object: 'text_completion',
              choices: [
                { index: 0, text, logprobs: null, finish_reason: finish },
              ],
              usage,
            },
      );
    },
  };
}

async function* streamChunks(o: {
  id: string;
  chat: boolean;
  model: string;
  text: string;
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
  };
  finish: string;
  firstMs: number;
  perMs: number;
  includeUsage: boolean;
}): AsyncIterable<string> {
  const created = Math.floor(Date.now() / 1000);
  const object = o.chat ? 'chat.completion.chunk' : 'text_completion';
  const chunk = (choice: object, usage: object | null = null) =>
    `data: ${JSON.stringify({
      id: o.id,
      object,
      created,
      model: o.model,
      choices: [choice],
      usage,
    })}\n\n`;
  await sleep(o.firstMs);
  if (o.chat)
    yield chunk({
      index: 0,
      delta: { role: 'assistant', content: '' },
      logprobs: null,
      finish_reason: null,
    });
  const words = o.text.split(' ');
  for (let i = 0; i < words.length; i++) {
    const piece = i === 0 ? words[i] : ` ${words[i]}`;
    yield chunk(
      o.chat
        ? {
            index: 0,
            delta: { content: piece },
            logprobs: null,
            finish_reason: null,
          }
        : { index: 0, text: piece, logprobs: null, finish_reason: null },
    );
    await sleep(o.perMs);
  }
  yield chunk(
    o.chat
      ? { index: 0, delta: {}, logprobs: null, finish_reason: o.finish }
      : { index: 0, text: '', logprobs: null, finish_reason: o.finish },
  );
  if (o.includeUsage) {
    yield `data: ${JSON.stringify({
      id: o.id,
      object,
      created,
      model: o.model,
      choices: [],
      usage: o.usage,
    })}\n\n`;
  }
  yield 'data: [DONE]\n\n';
}

async function embeddings(
  opts: OpenAIStubOptions,
  body: any,
): Promise<StubResponse> {
  const inputs: string[] = Array.isArray(body.input)
    ? body.input.map(String)
    : [String(body.input ?? '')];
  if (body.input === undefined)
    return openaiError(400, 'input: field required', 'input');
  await sleep(10 * opts.latencyScale);
  const tokens = inputs.reduce((n, s) => n + countTokens(s), 0);
  return json(200, {
    object: 'list',
    model: opts.model,
    data: inputs.map((s, index) => ({
      object: 'embedding',
      index,
      embedding: Array.from(
        { length: 16 },
        (_, i) => Math.round((unitHash(`${s}#${i}`) * 2 - 1) * 1e6) / 1e6,
      ),
    })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}
