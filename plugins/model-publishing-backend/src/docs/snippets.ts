import type { ExampleCall } from './examples';

/** The environment variable every example reads the key from, so keys never sit in code. */
export const API_KEY_ENV = 'MODEL_API_KEY';

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** Single-quotes a string for POSIX shells. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? line : by + line))
    .join('\n');
}

/** JSON → Python literal (true/false/null differ; everything else JSON writes is valid Python). */
export function toPython(value: unknown, level = 0): string {
  const pad = '    '.repeat(level + 1);
  const end = '    '.repeat(level);
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number' || typeof value === 'string')
    return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.every(v => typeof v === 'number')) return `[${value.join(', ')}]`;
    return `[\n${value
      .map(v => pad + toPython(v, level + 1))
      .join(',\n')},\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  return `{\n${entries
    .map(([k, v]) => `${pad}${JSON.stringify(k)}: ${toPython(v, level + 1)}`)
    .join(',\n')},\n${end}}`;
}

/** JSON → JavaScript object literal with unquoted identifier keys. */
export function toJs(value: unknown, level = 0): string {
  const pad = '  '.repeat(level + 1);
  const end = '  '.repeat(level);
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object')
    return typeof value === 'string'
      ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
      : String(value);
  if (Array.isArray(value)) {
    if (value.every(v => typeof v === 'number')) return `[${value.join(', ')}]`;
    return `[\n${value
      .map(v => pad + toJs(v, level + 1))
      .join(',\n')},\n${end}]`;
  }
  const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`);
  return `{\n${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${pad}${key(k)}: ${toJs(v, level + 1)}`)
    .join(',\n')},\n${end}}`;
}

export type AuthStyle = 'bearer' | 'x-api-key';

export function curlSnippet(
  url: string,
  call: ExampleCall,
  auth: AuthStyle = 'bearer',
): string {
  const header =
    auth === 'bearer'
      ? `"Authorization: Bearer $${API_KEY_ENV}"`
      : `"x-api-key: $${API_KEY_ENV}"`;
  return [
    // --fail-with-body: a non-2xx status is an error, and the body still says why.
    `curl -sS --fail-with-body${call.stream ? ' -N' : ''} -X POST ${shellQuote(
      url,
    )} \\`,
    `  -H ${header} \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d ${shellQuote(JSON.stringify(call.body))}`,
  ].join('\n');
}

export function pythonRequestsSnippet(url: string, call: ExampleCall): string {
  const lines = [
    ...(call.stream ? ['import json'] : []),
    'import os',
    '',
    'import requests',
    '',
    'response = requests.post(',
    `    ${JSON.stringify(url)},`,
    `    headers={"Authorization": f"Bearer {os.environ['${API_KEY_ENV}']}"},`,
    `    json=${indent(toPython(call.body, 1), '')},`,
    ...(call.stream ? ['    stream=True,'] : []),
    '    timeout=120,',
    ')',
    'response.raise_for_status()',
  ];
  if (call.stream) {
    lines.push(
      'for line in response.iter_lines(decode_unicode=True):',
      '    if not line or not line.startswith("data: "):',
      '        continue',
      '    data = line[len("data: "):]',
      '    if data == "[DONE]":',
      '        break',
      '    delta = json.loads(data)["choices"][0].get("delta", {})',
      '    print(delta.get("content") or "", end="", flush=True)',
      'print()',
    );
  } else {
    lines.push('print(response.json())');
  }
  return lines.join('\n');
}

export function fetchSnippet(url: string, call: ExampleCall): string {
  const lines = [
    `const response = await fetch('${url}', {`,
    "  method: 'POST',",
    '  headers: {',
    `    Authorization: \`Bearer \${process.env.${API_KEY_ENV}}\`,`,
    "    'Content-Type': 'application/json',",
    '  },',
    `  body: JSON.stringify(${indent(toJs(call.body, 1), '')}),`,
    '});',
    'if (!response.ok) {',
    '  throw new Error(`${response.status} ${response.statusText}: ${await response.text()}`);',
    '}',
  ];
  if (call.stream) {
    lines.push(
      '// Server-sent events: one `data: {json}` line per chunk, then `data: [DONE]`.',
      'const decoder = new TextDecoder();',
      "let buffer = '';",
      'for await (const chunk of response.body) {',
      '  buffer += decoder.decode(chunk, { stream: true });',
      "  const lines = buffer.split('\\n');",
      '  buffer = lines.pop();',
      '  for (const line of lines) {',
      "    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;",
      "    process.stdout.write(JSON.parse(line.slice(6)).choices[0]?.delta?.content ?? '');",
      '  }',
      '}',
      "process.stdout.write('\\n');",
    );
  } else {
    lines.push('console.log(await response.json());');
  }
  return lines.join('\n');
}

/** The OpenAI SDK call for an OpenAI-compatible example (Python `openai` package). */
export function openaiPythonSnippet(
  baseUrl: string,
  call: ExampleCall,
): string {
  const b = call.body as Record<string, unknown>;
  const head = [
    'import os',
    '',
    'from openai import OpenAI',
    '',
    `client = OpenAI(base_url=${JSON.stringify(
      baseUrl,
    )}, api_key=os.environ["${API_KEY_ENV}"])`,
    '',
  ];
  const args = (fields: string[]) =>
    fields
      .filter(f => b[f] !== undefined)
      .map(f => `    ${f}=${indent(toPython(b[f], 1), '')},`);
  switch (call.id) {
    case 'chat':
      return [
        ...head,
        'completion = client.chat.completions.create(',
        ...args(['model', 'messages', 'max_tokens']),
        ')',
        'print(completion.choices[0].message.content)',
      ].join('\n');
    case 'stream':
      return [
        ...head,
        'stream = client.chat.completions.create(',
        ...args(['model', 'messages', 'max_tokens', 'stream']),
        ')',
        'for chunk in stream:',
        '    if chunk.choices:',
        '        print(chunk.choices[0].delta.content or "", end="", flush=True)',
        'print()',
      ].join('\n');
    case 'completions':
      return [
        ...head,
        'completion = client.completions.create(',
        ...args(['model', 'prompt', 'max_tokens']),
        ')',
        'print(completion.choices[0].text)',
      ].join('\n');
    case 'embeddings':
      return [
        ...head,
        'result = client.embeddings.create(',
        ...args(['model', 'input']),
        ')',
        'print([len(d.embedding) for d in result.data])',
      ].join('\n');
    default:
      return '';
  }
}

/** The OpenAI SDK call for an OpenAI-compatible example (npm `openai` package, ESM). */
export function openaiJsSnippet(baseUrl: string, call: ExampleCall): string {
  const head = [
    "import OpenAI from 'openai';",
    '',
    `const client = new OpenAI({ baseURL: '${baseUrl}', apiKey: process.env.${API_KEY_ENV} });`,
    '',
  ];
  const body = indent(toJs(call.body, 0), '');
  switch (call.id) {
    case 'chat':
      return [
        ...head,
        `const completion = await client.chat.completions.create(${body});`,
        'console.log(completion.choices[0].message.content);',
      ].join('\n');
    case 'stream':
      return [
        ...head,
        `const stream = await client.chat.completions.create(${body});`,
        'for await (const chunk of stream) {',
        "  process.stdout.write(chunk.choices[0]?.delta?.content ?? '');",
        '}',
        "process.stdout.write('\\n');",
      ].join('\n');
    case 'completions':
      return [
        ...head,
        `const completion = await client.completions.create(${body});`,
        'console.log(completion.choices[0].text);',
      ].join('\n');
    case 'embeddings':
      return [
        ...head,
        `const result = await client.embeddings.create(${body});`,
        'console.log(result.data.map(d => d.embedding.length));',
      ].join('\n');
    default:
      return '';
  }
}

/** Python: retry on 429 and 503, honouring Retry-After, else exponential backoff with jitter. */
export function pythonBackoffSnippet(url: string, call: ExampleCall): string {
  return [
    'import os',
    'import random',
    'import time',
    '',
    'import requests',
    '',
    '',
    'def post_with_backoff(url, body, max_attempts=6):',
    '    delay = 1.0',
    '    for attempt in range(max_attempts):',
    '        response = requests.post(',
    '            url,',
    `            headers={"Authorization": f"Bearer {os.environ['${API_KEY_ENV}']}"},`,
    '            json=body,',
    '            timeout=120,',
    '        )',
    '        if response.status_code not in (429, 503) or attempt == max_attempts - 1:',
    '            response.raise_for_status()',
    '            return response.json()',
    '        retry_after = response.headers.get("Retry-After")',
    '        wait = float(retry_after) if retry_after and retry_after.isdigit() else delay + random.uniform(0, delay)',
    '        time.sleep(min(wait, 60))',
    '        delay = min(delay * 2, 60)',
    '',
    '',
    `print(post_with_backoff(${JSON.stringify(url)}, ${indent(
      toPython(call.body, 0),
      '',
    )}))`,
  ].join('\n');
}

/** JavaScript: the same retry policy with fetch. */
export function fetchBackoffSnippet(url: string, call: ExampleCall): string {
  return [
    'async function postWithBackoff(url, body, maxAttempts = 6) {',
    '  let delay = 1000;',
    '  for (let attempt = 1; ; attempt++) {',
    '    const response = await fetch(url, {',
    "      method: 'POST',",
    '      headers: {',
    `        Authorization: \`Bearer \${process.env.${API_KEY_ENV}}\`,`,
    "        'Content-Type': 'application/json',",
    '      },',
    '      body: JSON.stringify(body),',
    '    });',
    '    const retryable = response.status === 429 || response.status === 503;',
    '    if (!retryable || attempt === maxAttempts) {',
    '      if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);',
    '      return response.json();',
    '    }',
    "    const retryAfter = Number(response.headers.get('retry-after'));",
    '    const wait = retryAfter > 0 ? retryAfter * 1000 : delay + Math.random() * delay;',
    '    await new Promise(resolve => setTimeout(resolve, Math.min(wait, 60_000)));',
    '    delay = Math.min(delay * 2, 60_000);',
    '  }',
    '}',
    '',
    `console.log(await postWithBackoff('${url}', ${indent(
      toJs(call.body, 0),
      '',
    )}));`,
  ].join('\n');
}

export { json as prettyJson };
