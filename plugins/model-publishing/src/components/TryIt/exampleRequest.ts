import {
  exampleProblem,
  type Publication,
} from '@model-publishing/plugin-model-publishing-common';

export interface ExampleRequest {
  method: 'GET' | 'POST';
  /** Below the publication's base URL (its first endpoint). */
  path: string;
  body: string;
}

/** The request "Try it" starts with: the main call of the model's protocol, as the guide shows it. Pure. */
export function exampleRequest(
  publication: Pick<Publication, 'modelKind' | 'name'> & {
    config?: Pick<Publication['config'], 'example'>;
  },
): ExampleRequest {
  const model = publication.name;
  const json = (v: unknown) => JSON.stringify(v, null, 2);
  // The owner's example body, as the guide shows it (issue 23 item 8).
  const given = publication.config?.example;
  if (given && !exampleProblem(publication.modelKind, given)) {
    const paths = {
      openai: '/chat/completions',
      v2: `/v2/models/${model}/infer`,
      v1: `/v1/models/${model}:predict`,
    };
    return {
      method: 'POST',
      path: paths[publication.modelKind],
      body: json(
        publication.modelKind === 'openai' ? { ...given, model } : given,
      ),
    };
  }
  if (publication.modelKind === 'openai') {
    return {
      method: 'POST',
      path: '/chat/completions',
      body: json({
        model,
        messages: [{ role: 'user', content: 'Say hello in one sentence.' }],
        max_tokens: 32,
      }),
    };
  }
  if (publication.modelKind === 'v2') {
    return {
      method: 'POST',
      path: `/v2/models/${model}/infer`,
      body: json({
        inputs: [
          {
            name: 'input-0',
            shape: [1, 4],
            datatype: 'FP32',
            data: [0.2, 13.5, 1, 0],
          },
        ],
      }),
    };
  }
  return {
    method: 'POST',
    path: `/v1/models/${model}:predict`,
    body: json({ instances: [[0.2, 13.5, 1, 0, 42.0]] }),
  };
}

/** Rate-limit headers first (what a caller watches), then the rest by name. */
export function orderHeaders(
  headers: Record<string, string>,
): [string, string][] {
  const rate = (n: string) =>
    n.startsWith('x-ratelimit-') || n === 'retry-after' ? 0 : 1;
  return Object.entries(headers).sort(
    ([a], [b]) => rate(a) - rate(b) || a.localeCompare(b),
  );
}

/** The body as sent back, pretty-printed when it is JSON. */
export function prettyBody(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
