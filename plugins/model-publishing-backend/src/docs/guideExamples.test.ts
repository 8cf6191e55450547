/**
 * Runs the code the guides show — every curl, Python `requests` and JavaScript `fetch` example —
 * against a real local HTTP server that stands in for the published endpoint and checks the path,
 * the auth headers and the body shape the guide promises. (The OpenAI SDK examples need packages
 * that are not installed here and are not run.)
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { publicationEndpoints } from '../gateway/buildPublicationObjects';
import { v1Input, v2Input, vllmInput } from '../gateway/__testUtils__/inputs';
import type { BuildInput } from '../gateway/types';
import { buildGuide } from './buildGuide';
import { exampleCalls } from './examples';

const KEY = 'mpk_4Xk9TQ2b7LmNpR3sVw8YzA1cD5eF6gH0jK2lM3';

interface Seen {
  path: string;
  status: number;
  problem?: string;
}

/** What the stub accepts at each path, per the guide's promises. */
type BodyCheck = (body: any) => string | undefined;

const isNumberArray = (v: unknown) =>
  Array.isArray(v) && v.every(x => typeof x === 'number');

function checks(model: string): Record<string, BodyCheck> {
  return {
    [`/models/models/sklearn-iris/v1/models/sklearn-iris:predict`]: b =>
      Array.isArray(b?.instances) && b.instances.length > 0
        ? undefined
        : 'instances must be a non-empty array',
    [`/models/models/xgboost-iris/v2/models/xgboost-iris/infer`]: b => {
      if (!Array.isArray(b?.inputs) || b.inputs.length === 0)
        return 'inputs must be a non-empty array';
      for (const t of b.inputs) {
        if (typeof t.name !== 'string' || typeof t.datatype !== 'string')
          return 'input needs name and datatype';
        if (!isNumberArray(t.shape) || !Array.isArray(t.data))
          return 'input needs shape and data';
        const size = t.shape.reduce((a: number, n: number) => a * n, 1);
        if (t.data.length !== size)
          return `data has ${t.data.length} values, shape says ${size}`;
      }
      return undefined;
    },
    '/v1/chat/completions': b => {
      if (b?.model !== model) return `model must be ${model}`;
      const ok =
        Array.isArray(b.messages) &&
        b.messages.every(
          (m: any) =>
            typeof m.role === 'string' && typeof m.content === 'string',
        );
      return ok ? undefined : 'messages must be {role, content}[]';
    },
    '/v1/completions': b =>
      b?.model === model && typeof b.prompt === 'string'
        ? undefined
        : 'needs model and prompt',
    '/v1/embeddings': b =>
      b?.model === model &&
      (typeof b.input === 'string' || Array.isArray(b.input))
        ? undefined
        : 'needs model and input',
  };
}

function startStub(model: string) {
  const seen: Seen[] = [];
  const state = { rejectNext: 0 };
  const bodyChecks = checks(model);
  const responses = new Map<string, unknown>(
    (['v1', 'v2', 'openai'] as const).flatMap(kind =>
      exampleCalls(kind, kind === 'openai' ? model : '').map(
        c => [`${kind}:${c.id}`, c.response] as const,
      ),
    ),
  );
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', chunk => (raw += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const reply = (
        status: number,
        body: unknown,
        headers: Record<string, string> = {},
      ) => {
        seen.push({
          path: url.pathname,
          status,
          problem:
            status >= 400 && status !== 429
              ? String((body as any)?.error)
              : undefined,
        });
        res.writeHead(status, {
          'content-type': 'application/json',
          ...headers,
        });
        res.end(JSON.stringify(body));
      };
      const auth = req.headers.authorization;
      const apiKey = req.headers['x-api-key'];
      if (
        !(auth === `Bearer ${KEY}` || (auth === undefined && apiKey === KEY))
      ) {
        return reply(401, {
          error: `bad credentials: authorization=${
            auth ? 'set' : 'unset'
          } x-api-key=${apiKey ? 'set' : 'unset'}`,
        });
      }
      if (req.method !== 'POST')
        return reply(405, { error: `method ${req.method}` });
      if (!String(req.headers['content-type']).startsWith('application/json')) {
        return reply(415, {
          error: `content-type ${req.headers['content-type']}`,
        });
      }
      const check = bodyChecks[url.pathname];
      if (!check) return reply(404, { error: `no such path ${url.pathname}` });
      let body: any;
      try {
        body = JSON.parse(raw);
      } catch {
        return reply(400, { error: 'body is not JSON' });
      }
      const problem = check(body);
      if (problem) return reply(400, { error: problem });
      if (state.rejectNext > 0) {
        state.rejectNext--;
        return reply(429, { error: 'rate limited' }, { 'retry-after': '1' });
      }
      if (body.stream === true) {
        seen.push({ path: url.pathname, status: 200 });
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(String(responses.get('openai:stream')));
        return undefined;
      }
      const openaiIds: Record<string, string> = {
        '/v1/chat/completions': 'chat',
        '/v1/completions': 'completions',
        '/v1/embeddings': 'embeddings',
      };
      let id = `openai:${openaiIds[url.pathname]}`;
      if (url.pathname.endsWith(':predict')) id = 'v1:predict';
      if (url.pathname.endsWith('/infer')) id = 'v2:infer';
      return reply(200, responses.get(id));
    });
  });
  return new Promise<{
    origin: string;
    seen: Seen[];
    state: typeof state;
    close: () => Promise<void>;
  }>(resolve => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        seen,
        state,
        close: () => new Promise(r => server.close(() => r())),
      });
    });
  });
}

function run(
  cmd: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(
      cmd,
      args,
      { env: { ...process.env, MODEL_API_KEY: KEY }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const failed = typeof error?.code === 'number' ? error.code : 1;
        resolve({ code: error ? failed : 0, stdout, stderr });
      },
    );
  });
}

function hasPythonRequests(): boolean {
  try {
    require('node:child_process').execFileSync(
      'python3',
      ['-c', 'import requests'],
      { stdio: 'ignore' },
    );
    return true;
  } catch {
    return false;
  }
}
const pythonOk = hasPythonRequests();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-guide-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Example {
  lang: 'bash' | 'python' | 'javascript';
  code: string;
  backoff: boolean;
}

function runnableExamples(md: string): Example[] {
  return [...md.matchAll(/```(bash|python|javascript)\n([\s\S]*?)\n```/g)]
    .map(m => ({
      lang: m[1] as Example['lang'],
      code: m[2],
      backoff: /with_backoff|WithBackoff/.test(m[2]),
    }))
    .filter(e => !/from openai import|from 'openai'/.test(e.code));
}

async function execute(e: Example, n: number) {
  if (e.lang === 'bash') return run('bash', ['-c', e.code]);
  if (e.lang === 'python') return run('python3', ['-c', e.code]);
  const file = path.join(tmp, `example-${n}.mjs`);
  fs.writeFileSync(file, e.code);
  return run(process.execPath, [file]);
}

describe.each([
  ['v1', v1Input, undefined],
  ['v2', v2Input, undefined],
  ['openai', vllmInput, 'qwen2.5-0.5b'],
] as const)(
  'the %s guide examples run against a stub of the endpoint',
  (kind, make, model) => {
    let stub: Awaited<ReturnType<typeof startStub>>;
    let examples: Example[];

    beforeAll(async () => {
      stub = await startStub(model ?? '');
      const input: BuildInput = make();
      // The published host, replaced by the stub's address.
      const endpoints = publicationEndpoints(input).map(e => ({
        ...e,
        url: e.url.replace(/^https:\/\/[^/]+/, stub.origin),
      }));
      const md = buildGuide(
        {
          name: input.isvc.metadata.name,
          namespace: 'models',
          config: input.config,
        },
        input.detection,
        endpoints,
        { modelName: model },
      );
      examples = runnableExamples(md);
    });
    afterAll(() => stub.close());

    it('finds curl, Python and JavaScript examples', () => {
      const langs = new Set(examples.map(e => e.lang));
      expect(langs).toEqual(new Set(['bash', 'python', 'javascript']));
      const perCall = kind === 'openai' ? 4 : 1;
      // Per call: curl + requests + fetch; plus the x-api-key curl and the two backoff examples.
      expect(examples).toHaveLength(perCall * 3 + 3);
    });

    it('every example succeeds, and the stub saw exactly what the guide promises', async () => {
      let n = 0;
      for (const example of examples) {
        if (example.lang === 'python' && !pythonOk) continue;
        stub.seen.length = 0;
        stub.state.rejectNext = example.backoff ? 1 : 0;
        const result = await execute(example, n++);
        const context = {
          lang: example.lang,
          code: example.code.slice(0, 120),
          stderr: result.stderr.slice(0, 500),
          seen: stub.seen,
        };
        expect({ ...context, code: result.code }).toEqual({
          ...context,
          code: 0,
        });
        // A backoff example meets one 429 (Retry-After: 1), waits, and succeeds on the second try.
        expect(stub.seen.map(s => s.status)).toEqual(
          example.backoff ? [429, 200] : [200],
        );
        expect(result.stdout.length).toBeGreaterThan(0);
      }
    }, 60_000);

    it('an example with the wrong key fails loudly (the stub does check)', async () => {
      const curl = examples.find(e => e.lang === 'bash')!;
      const result = await new Promise<number>(resolve =>
        execFile(
          'bash',
          ['-c', curl.code],
          { env: { ...process.env, MODEL_API_KEY: 'mpk_wrong' } },
          err => resolve(err ? 1 : 0),
        ),
      );
      expect(result).not.toBe(0);
      expect(stub.seen.at(-1)?.status).toBe(401);
    });
  },
);
