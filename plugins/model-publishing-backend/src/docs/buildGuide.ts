import { InputError } from '@backstage/errors';
import {
  renderGuideMarkdown,
  type Guide,
  type GuideBlock,
  type GuideLanguage,
  type GuideSection,
  type ExampleBody,
  type ModelKind,
  type OpenAiTask,
  type Publication,
  type RateLimits,
} from '@model-publishing/plugin-model-publishing-common';
import type { PublicationEndpoint } from '../gateway/types';
import { exampleCalls, type ExampleCall } from './examples';
import { ownerText } from './ownerText';
import {
  API_KEY_ENV,
  curlSnippet,
  fetchBackoffSnippet,
  fetchSnippet,
  openaiJsSnippet,
  openaiPythonSnippet,
  prettyJson,
  pythonBackoffSnippet,
  pythonRequestsSnippet,
} from './snippets';

/** What the guide needs of a publication (a full `Publication` fits). */
export type GuidePublication = Pick<
  Publication,
  'name' | 'namespace' | 'config'
> &
  Partial<Pick<Publication, 'id' | 'cluster' | 'entityRef' | 'owner'>>;

/** What the guide needs of a detection (a `ModelKindDetection` fits). */
export interface GuideDetection {
  kind: ModelKind;
  openaiPathPrefix?: string;
  /** What an OpenAI-compatible model answers, when its manifest says (openaiTask in common). */
  openaiTask?: OpenAiTask;
}

export interface GuideOptions {
  /** The owner's example body for the main call (modelExample in common: publish config, else annotation). */
  example?: ExampleBody;
  /** The name clients address the model by (`model` in OpenAI bodies, `{name}` in v1/v2 paths). Default: the publication's name. */
  modelName?: string;
  /** Other names an OpenAI client may send as `model` (they route to the same model). Default: none. */
  modelAliases?: string[];
}

const KIND_LABEL: Record<string, string> = {
  v1: 'KServe v1 protocol (`:predict`)',
  v2: 'Open Inference Protocol (KServe v2, `/infer`)',
  openai: 'OpenAI-compatible API',
};

const LIMIT_ROWS: [keyof RateLimits, string][] = [
  ['requestsPerMinute', 'Requests per minute'],
  ['requestsPerHour', 'Requests per hour'],
  ['requestsPerDay', 'Requests per day'],
  ['tokensPerMinute', 'Tokens per minute'],
  ['tokensPerHour', 'Tokens per hour'],
  ['tokensPerDay', 'Tokens per day'],
  ['requestsPerMonth', 'Requests per month'],
  ['tokensPerMonth', 'Tokens per month'],
];

/** The portal page where a consumer requests a key for this model. */
function accessLink(publication: GuidePublication): string {
  const match = /^([^:]+):([^/]+)\/(.+)$/.exec(publication.entityRef ?? '');
  if (!match) return '`/model-access`';
  const [, kind, namespace, name] = match;
  return `[request access](/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/access)`;
}

/** The plans a consumer may choose from (the default plan is the limits below). */
function planLines(publication: GuidePublication): string[] {
  const plans = (publication.config.plans ?? []).filter(
    p => p.name !== 'default',
  );
  if (!plans.length) return [];
  return [
    '',
    '| Plan | Limits | Approval |',
    '| --- | --- | --- |',
    '| default | the limits below | by the owners |',
    ...plans.map(p => {
      const limits = LIMIT_ROWS.filter(
        ([k]) => typeof p.rateLimits?.[k] === 'number',
      )
        .map(
          ([k, label]) =>
            `${p.rateLimits![k]} ${label.toLocaleLowerCase('en-US')}`,
        )
        .join(', ');
      return `| ${p.name} | ${limits || 'none'} | ${
        p.approval === 'automatic' ? 'automatic' : 'by the owners'
      } |`;
    }),
    '',
  ];
}

export function checkGuideInput(
  detection: GuideDetection,
  endpoints: PublicationEndpoint[],
) {
  if (
    detection.kind !== 'openai' &&
    detection.kind !== 'v1' &&
    detection.kind !== 'v2'
  ) {
    throw new InputError(
      `detection.kind: no guide for a ${detection.kind} model (openai, v1 or v2)`,
    );
  }
  if (endpoints.length === 0) {
    throw new InputError(
      'endpoints: a guide needs the base URL of the publication',
    );
  }
}

/** "a KServe …", "an Open Inference …", "an OpenAI-compatible …" (pure). */
export function withArticle(phrase: string): string {
  return `${/^[aeiou]/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

/** The endpoints an OpenAI-compatible model of this task answers (all when the task is unknown). */
function endpointsForTask(
  endpoints: PublicationEndpoint[],
  task: OpenAiTask | undefined,
): PublicationEndpoint[] {
  if (!task) return endpoints;
  const generative = /\/(chat\/completions|completions)$/;
  return endpoints.filter(e =>
    task === 'embed' ? !generative.test(e.url) : !/\/embeddings$/.test(e.url),
  );
}

function openaiTaskLine(task: OpenAiTask | undefined): string {
  if (task === 'generate')
    return 'This is a generative model: it answers chat completions (also streamed) and completions.';
  if (task === 'embed')
    return 'This is an embedding model: it answers embeddings.';
  return 'Generative models answer chat, completions and streaming; embedding models answer embeddings.';
}

function fence(lang: string, code: string): string {
  return `\`\`\`${lang}\n${code}\n\`\`\``;
}

/** Markdown lines (blank lines between blocks) as one text block. */
function text(...lines: string[]): GuideBlock {
  return { type: 'text', markdown: lines.join('\n') };
}

function example(
  language: GuideLanguage,
  label: string,
  fenceInfo: string,
  code: string,
): GuideBlock {
  return { type: 'example', language, label, fence: fenceInfo, code };
}

function limitsSection(limits: RateLimits, kind: ModelKind): GuideSection {
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

function retrySection(
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

/**
 * OpenAI models: which `model` values route, and the `x-ai-eg-model` header. AI Gateway routes on
 * that header, which it sets from the body's `model`; where the body is not read before routing,
 * the request gets 404 "No matching route found" unless the client sends the header itself
 * (envoyproxy/ai-gateway#1944, #1485).
 */
function modelNamesSection(model: string, aliases: string[]): GuideSection {
  const others = aliases.filter(a => a !== model);
  const lines = [
    others.length
      ? `Send \`"model": "${model}"\`. These names route to the same model too, and the gateway passes \`${model}\` on to it: ${others
          .map(a => `\`${a}\``)
          .join(', ')}.`
      : `Send \`"model": "${model}"\`.`,
    '',
    'The gateway picks the model by the `x-ai-eg-model` request header, which it fills from `model` in the JSON',
    'body. A client that sends the body in a way the gateway does not read before routing (some streaming or',
    'proxying clients) gets `404` with "No matching route found": send the header yourself, with the same name',
    `as \`model\`: add \`-H "x-ai-eg-model: ${model}"\` to the curl examples, or`,
    `\`extra_headers={"x-ai-eg-model": "${model}"}\` (Python SDK) / \`{ headers: { 'x-ai-eg-model': '${model}' } }\``,
    '(JavaScript SDK, as request options).',
  ];
  return { level: 2, title: 'Model names', blocks: [text(...lines)] };
}

function errorsSection(kind: ModelKind, model: string): GuideSection {
  const notFound =
    kind === 'openai'
      ? `Unknown path, or \`model\` in the body is not \`${model}\` or one of its names (send \`x-ai-eg-model: ${model}\`, see Model names).`
      : `Unknown path: check the base URL and the model name \`${model}\` in the path.`;
  const table = [
    '| Status | Meaning | What to do |',
    '| --- | --- | --- |',
    '| `400` | The model server could not read the request body. | Fix the body; see the examples. |',
    `| \`401\` | No API key, or the key is unknown, revoked or expired. | Send \`Authorization: Bearer <key>\` or \`x-api-key: <key>\` with a valid key. |`,
    '| `403` | The key is valid but not allowed on this endpoint. | Use a key issued for this model. |',
    `| \`404\` | ${notFound} | Check the URL${
      kind === 'openai' ? ' and the `model` field' : ''
    }. |`,
    '| `413` | The request body is too large for the gateway. | Send smaller batches. |',
    '| `429` | A rate or token limit of the key is reached. | Wait and retry as described above. |',
    '| `500` | The model failed on this input. | Report it to the model owner with the time of the request. |',
    '| `502`, `503`, `504` | The model is unavailable, starting, overloaded or too slow. | Retry with backoff; if it lasts, tell the model owner. |',
  ];
  return { level: 2, title: 'Errors', blocks: [text(...table)] };
}

function exampleSection(
  baseUrl: string,
  call: ExampleCall,
  kind: ModelKind,
): GuideSection {
  const url = `${baseUrl}${call.path}`;
  const blocks = [
    text(
      `\`POST ${url}\``,
      '',
      ...(call.note ? [call.note, ''] : []),
      'Request body:',
      '',
      fence('json', prettyJson(call.body)),
      '',
      call.stream
        ? 'Response (server-sent events, one chunk per line):'
        : 'Response:',
      '',
      call.stream
        ? fence('text', String(call.response).trimEnd())
        : fence('json', prettyJson(call.response)),
    ),
    example('curl', '**curl**', 'bash', curlSnippet(url, call)),
    example(
      'python',
      '**Python** (`requests`)',
      'python',
      pythonRequestsSnippet(url, call),
    ),
    example(
      'javascript',
      '**JavaScript** (`fetch`, Node.js 18+ as an ES module, or a browser without the `process.env` part)',
      'javascript',
      fetchSnippet(url, call),
    ),
  ];
  if (kind === 'openai') {
    blocks.push(
      example(
        'openai',
        '**Python** (OpenAI SDK: `pip install openai`)',
        'python',
        openaiPythonSnippet(baseUrl, call),
      ),
      example(
        'openai',
        '**JavaScript** (OpenAI SDK: `npm install openai`)',
        'javascript',
        openaiJsSnippet(baseUrl, call),
      ),
    );
  }
  return { level: 3, title: call.title, blocks };
}

/**
 * The API guide of a publication as data: endpoint, authentication, limits, 429 handling, errors, and
 * examples in curl, Python and JavaScript (+ the OpenAI SDKs for LLMs), each example tagged with its
 * client. `endpoints[0]` must be the base URL (as `publicationEndpoints` returns it). Pure.
 */
export function buildGuideSections(
  publication: GuidePublication,
  detection: GuideDetection,
  endpoints: PublicationEndpoint[],
  options: GuideOptions = {},
): Guide {
  checkGuideInput(detection, endpoints);
  const kind = detection.kind;
  const model = options.modelName ?? publication.name;
  const baseUrl = endpoints[0].url.replace(/\/+$/, '');
  const calls = exampleCalls(
    kind,
    model,
    detection.openaiTask,
    options.example,
  );
  const mainCall = calls[0];

  const sections: GuideSection[] = [];
  sections.push({
    level: 1,
    title: `${publication.name} — API guide`,
    blocks: [
      ...(publication.config.description
        ? [text(ownerText(publication.config.description))]
        : []),
      text(
        `The model \`${publication.namespace}/${
          publication.name
        }\` is published as ${withArticle(KIND_LABEL[kind])}.`,
        'This guide is generated from the publication and stays in step with it.',
      ),
    ],
  });

  sections.push({
    level: 2,
    title: 'Endpoint',
    blocks: [
      text(
        `Base URL: \`${baseUrl}\``,
        '',
        kind === 'openai'
          ? `Use it as the \`base_url\` / \`baseURL\` of any OpenAI client, and \`"model": "${model}"\` in every request.`
          : `Model name in paths: \`${model}\`.`,
        '',
        '| URL | What |',
        '| --- | --- |',
        ...endpointsForTask(endpoints, detection.openaiTask).map(
          e => `| \`${e.url}\` | ${e.description} |`,
        ),
      ),
    ],
  });

  sections.push({
    level: 2,
    title: 'Authentication',
    blocks: [
      text(
        `Every request needs an API key. Request one on the model's **Access** tab in the portal (${accessLink(
          publication,
        )}):`,
        'choose a plan, say what you will use the model for, and pick who the key belongs to: you, a team you are in, or a',
        'Component you own (so the key belongs to your application). Automatic plans give the key at once; otherwise the',
        "model's owners are notified, and once they approve you collect the key on **My model access** (`/model-access`).",
        ...planLines(publication),
        'A key is shown only once; keep it in a secret store or an environment variable',
        `(the examples read \`${API_KEY_ENV}\`), never in code.`,
        '',
        'Send it in either header:',
        '',
        '- `Authorization: Bearer <key>` (what OpenAI clients send), or',
        '- `x-api-key: <key>`.',
        '',
        'The gateway removes the key before the request reaches the model. When a key is rotated, the old one keeps',
        'working for the grace period the owner chose (24 hours unless they said otherwise): switch to the new key within it.',
        'Both keys draw on one budget meanwhile: rotating does not double your limits.',
      ),
      ...(mainCall
        ? [
            example(
              'curl',
              'With `x-api-key`:',
              'bash',
              curlSnippet(`${baseUrl}${mainCall.path}`, mainCall, 'x-api-key'),
            ),
          ]
        : []),
    ],
  });

  if (kind === 'openai') {
    sections.push(modelNamesSection(model, options.modelAliases ?? []));
  }
  sections.push(limitsSection(publication.config.rateLimits ?? {}, kind));
  sections.push(
    retrySection(mainCall ? `${baseUrl}${mainCall.path}` : baseUrl, mainCall),
  );
  sections.push(errorsSection(kind, model));
  sections.push({
    level: 2,
    title: 'Examples',
    blocks: [
      text(
        `Set the key first: \`export ${API_KEY_ENV}=<your key>\`.`,
        ...(kind === 'openai'
          ? ['', openaiTaskLine(detection.openaiTask)]
          : []),
      ),
    ],
  });
  sections.push(...calls.map(call => exampleSection(baseUrl, call, kind)));
  return { sections };
}

/** The API guide of a publication as Markdown, rendered from `buildGuideSections`. Pure. */
export function buildGuide(
  publication: GuidePublication,
  detection: GuideDetection,
  endpoints: PublicationEndpoint[],
  options: GuideOptions = {},
): string {
  return renderGuideMarkdown(
    buildGuideSections(publication, detection, endpoints, options),
  );
}
