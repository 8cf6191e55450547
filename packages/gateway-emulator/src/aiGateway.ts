import { LlmRequestCost } from './routing/compile';

/** The message AI Gateway answers when no rule matches the request's model (404). */
export const NO_MODEL_ROUTE_MESSAGE =
  'No matching route found. It is likely because the model specified in your request is not configured in the Gateway.';

/** The OpenAI endpoints AI Gateway translates (the OpenAI schema, `/v1/...` on the client side). */
export const AI_ENDPOINTS = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings'];

export interface TokenUsage {
  input: number;
  output: number;
  total: number;
  cachedInput: number;
}

/** Token usage from an OpenAI response body or SSE chunk (`usage`), as AI Gateway extracts it. */
export function usageOf(body: unknown): TokenUsage | undefined {
  const u = (body as { usage?: any } | null)?.usage;
  if (!u || typeof u !== 'object') return undefined;
  const input = Number(u.prompt_tokens ?? 0);
  const output = Number(u.completion_tokens ?? 0);
  return {
    input,
    output,
    total: Number(u.total_tokens ?? input + output),
    cachedInput: Number(u.prompt_tokens_details?.cached_tokens ?? 0),
  };
}

/** Reads usage out of streamed SSE text (the last chunk carrying `usage` wins). */
export class SseUsageReader {
  private buffer = '';
  usage?: TokenUsage;

  push(text: string): void {
    this.buffer += text;
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]' || !data.includes('"usage"')) continue;
      try {
        this.usage = usageOf(JSON.parse(data)) ?? this.usage;
      } catch {
        // a partial or non-JSON line: ignored, as AI Gateway ignores what it cannot parse
      }
    }
  }
}

/**
 * The `io.envoy.ai_gateway` dynamic metadata from `llmRequestCosts`: each metadataKey gets its token
 * count. CEL costs are not evaluated by the emulator (they stay unset).
 */
export function costMetadata(costs: LlmRequestCost[], usage: TokenUsage | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!usage) return out;
  for (const c of costs) {
    if (c.type === 'InputToken') out[c.metadataKey] = usage.input;
    else if (c.type === 'OutputToken') out[c.metadataKey] = usage.output;
    else if (c.type === 'TotalToken') out[c.metadataKey] = usage.total;
    else if (c.type === 'CachedInputToken') out[c.metadataKey] = usage.cachedInput;
  }
  return out;
}
