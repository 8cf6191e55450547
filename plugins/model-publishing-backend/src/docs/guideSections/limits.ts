import type {
  GuideSection,
  ModelKind,
  RateLimits,
} from '@model-publishing/plugin-model-publishing-common';
import type { ExampleCall } from '../examples';
import { fetchBackoffSnippet, pythonBackoffSnippet } from '../snippets';
import { example, text } from './blocks';

/** The limits a guide lists, in order, with their labels. */
export const LIMIT_ROWS: [keyof RateLimits, string][] = [
  ['requestsPerMinute', 'Requests per minute'],
  ['requestsPerHour', 'Requests per hour'],
  ['requestsPerDay', 'Requests per day'],
  ['tokensPerMinute', 'Tokens per minute'],
  ['tokensPerHour', 'Tokens per hour'],
  ['tokensPerDay', 'Tokens per day'],
  ['requestsPerMonth', 'Requests per month'],
  ['tokensPerMonth', 'Tokens per month'],
];

/** "Limits": each key's budget (a table), and how tokens are counted for an LLM. */
export function limitsSection(
  limits: RateLimits,
  kind: ModelKind,
): GuideSection {
  const rows = LIMIT_ROWS.filter(
    ([field]) => typeof limits[field] === 'number',
  );
  const out: string[] = [];
  if (rows.length === 0) {
    out.push(
      'This publication sets no request or token limits. The model owner may add them later; write clients that handle `429` (below) anyway.',
    );
  } else {
    out.push(
      'Every API key has its own budget: one key reaching a limit does not affect other keys. A key may have',
      'limits of its own that differ from these; the model owner can tell you.',
      '',
      '| Limit | Per key |',
      '| --- | --- |',
      ...rows.map(
        ([field, label]) =>
          `| ${label} | ${limits[field]!.toLocaleString('en-US')} |`,
      ),
    );
    if (kind === 'openai' && rows.some(([f]) => f.startsWith('tokens'))) {
      out.push(
        '',
        'Tokens are the `usage.total_tokens` of each response (prompt plus completion). They are counted when a',
        'response ends, so a request that starts within the budget always completes; the next one is refused',
        'once the budget is spent.',
      );
    }
  }
  return { level: 2, title: 'Limits', blocks: [text(...out)] };
}

/** "Rate limiting": how to wait after a `429`, with backoff examples for the main call. */
export function retrySection(
  url: string,
  call: ExampleCall | undefined,
): GuideSection {
  const blocks = [
    text(
      'When a key has used its budget, the gateway answers `429` without calling the model. Then:',
      '',
      '1. If the response has a `Retry-After` header, wait that many seconds before the next request.',
      '2. Otherwise, if it has `X-RateLimit-Reset`, that is the number of seconds until the window resets.',
      '3. Otherwise back off exponentially with jitter: wait about 1 s, then 2 s, 4 s, … up to 60 s, adding a',
      '   random part so that many clients do not retry in step.',
      '',
      "Never retry in a tight loop: refused requests still load the gateway and show in your key's usage. `503`",
      '(model starting or overloaded) deserves the same treatment. Other `4xx` errors will not succeed on retry.',
    ),
  ];
  if (call) {
    blocks.push(
      example(
        'python',
        '**Python**',
        'python',
        pythonBackoffSnippet(url, call),
      ),
      example(
        'javascript',
        '**JavaScript** (Node.js 18+, as an ES module, e.g. `client.mjs`)',
        'javascript',
        fetchBackoffSnippet(url, call),
      ),
    );
  }
  return {
    level: 2,
    title: 'Rate limiting: `429 Too Many Requests`',
    blocks,
  };
}
