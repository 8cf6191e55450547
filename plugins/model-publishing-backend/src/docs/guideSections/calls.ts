import type {
  GuideSection,
  ModelKind,
  OpenAiTask,
} from '@model-publishing/plugin-model-publishing-common';
import type { ExampleCall } from '../examples';
import {
  API_KEY_ENV,
  curlSnippet,
  fetchSnippet,
  openaiJsSnippet,
  openaiPythonSnippet,
  prettyJson,
  pythonRequestsSnippet,
} from '../snippets';
import { code, example, text } from './blocks';

function openaiTaskLine(task: OpenAiTask | undefined): string {
  if (task === 'generate')
    return 'This is a generative model: it answers chat completions (also streamed) and completions.';
  if (task === 'embed')
    return 'This is an embedding model: it answers embeddings.';
  return 'Generative models answer chat, completions and streaming; embedding models answer embeddings.';
}

/** "Examples": setting the key, and for an LLM which calls it answers. */
export function examplesSection(
  kind: ModelKind,
  task: OpenAiTask | undefined,
): GuideSection {
  return {
    level: 2,
    title: 'Examples',
    blocks: [
      text(
        `Set the key first: \`export ${API_KEY_ENV}=<your key>\`.`,
        ...(kind === 'openai' ? ['', openaiTaskLine(task)] : []),
      ),
    ],
  };
}

/** One example call: its request and response bodies, and the call in every client language. */
export function callSection(
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
    ),
    code('json', prettyJson(call.body)),
    text(
      call.stream
        ? 'Response (server-sent events, one chunk per line):'
        : 'Response:',
    ),
    call.stream
      ? code('text', String(call.response).trimEnd())
      : code('json', prettyJson(call.response)),
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
