import type { ModelServerStub, StubTiming } from './types';
import { json, parseJson, sleep, unitHash } from './types';

/** A scoring function: one instance (row) → one prediction. */
export type Scorer = (row: unknown) => number;

/** A binary classifier's label from a row: stable for the same input, about 1 in 10 positive. */
export const binaryClassifier: Scorer = row =>
  unitHash(JSON.stringify(row)) < 0.1 ? 1 : 0;
/** A regressor's score in [0, 1), rounded as xgboost prints it. */
export const probability: Scorer = row =>
  Math.round(unitHash(JSON.stringify(row)) * 1e6) / 1e6;

export interface KServeStubOptions extends StubTiming {
  host: string;
  model: string;
  scorer?: Scorer;
  /** Per-request latency in ms before scaling (a small tree model on CPU: a few ms). */
  latencyMs?: number;
}

const notFound = (model: string) =>
  json(404, { error: `Model with name ${model} does not exist.` });

/**
 * KServe's v1 protocol (kserve-sklearnserver and friends): `GET /v1/models`, `GET /v1/models/<m>`,
 * `POST /v1/models/<m>:predict` with `{instances: [...]}` → `{predictions: [...]}`.
 */
export function kserveV1Stub(opts: KServeStubOptions): ModelServerStub {
  const score = opts.scorer ?? binaryClassifier;
  return {
    host: opts.host,
    async handle(req) {
      await sleep((opts.latencyMs ?? 4) * opts.latencyScale);
      if (
        req.method === 'GET' &&
        (req.path === '/' || req.path === '/v1/models')
      ) {
        return json(200, { models: [opts.model] });
      }
      const m = /^\/v1\/models\/([^/:]+)(:predict)?$/.exec(req.path);
      if (!m) return json(404, { detail: 'Not Found' });
      if (m[1] !== opts.model) return notFound(m[1]);
      if (!m[2]) {
        return req.method === 'GET'
          ? json(200, { name: opts.model, ready: true })
          : json(405, { detail: 'Method Not Allowed' });
      }
      if (req.method !== 'POST')
        return json(405, { detail: 'Method Not Allowed' });
      const body = parseJson(req.body);
      if (!body.ok) return json(400, { error: body.error });
      const instances = body.value?.instances ?? body.value?.inputs;
      if (!Array.isArray(instances)) {
        return json(400, {
          error: 'Expected "instances" or "inputs" to be a list',
        });
      }
      return json(200, { predictions: instances.map(score) });
    },
  };
}

/**
 * The Open Inference Protocol (v2) as KServe's servers speak it: server and model health, model metadata
 * and `POST /v2/models/<m>/infer`.
 */
export function kserveV2Stub(
  opts: KServeStubOptions & {
    inputs?: { name: string; datatype: string; shape: number[] }[];
  },
): ModelServerStub {
  const score = opts.scorer ?? probability;
  const inputs = opts.inputs ?? [
    { name: 'input-0', datatype: 'FP32', shape: [-1, -1] },
  ];
  return {
    host: opts.host,
    async handle(req) {
      await sleep((opts.latencyMs ?? 5) * opts.latencyScale);
      if (req.method === 'GET') {
        if (req.path === '/v2')
          return json(200, {
            name: 'kserve',
            version: '0.20.0',
            extensions: [],
          });
        if (req.path === '/v2/health/live') return json(200, { live: true });
        if (req.path === '/v2/health/ready') return json(200, { ready: true });
      }
      const m =
        /^\/v2\/models\/([^/]+)(?:\/versions\/[^/]+)?(\/ready|\/infer)?$/.exec(
          req.path,
        );
      if (!m) return json(404, { detail: 'Not Found' });
      if (m[1] !== opts.model)
        return json(404, { error: `Model with name ${m[1]} does not exist.` });
      if (!m[2]) {
        return json(200, {
          name: opts.model,
          versions: [],
          platform: '',
          inputs,
          outputs: [{ name: 'output-0', datatype: 'FP32', shape: [-1] }],
        });
      }
      if (m[2] === '/ready')
        return json(200, { name: opts.model, ready: true });
      if (req.method !== 'POST')
        return json(405, { detail: 'Method Not Allowed' });
      const body = parseJson(req.body);
      if (!body.ok) return json(400, { error: body.error });
      const first = body.value?.inputs?.[0];
      if (!first || !Array.isArray(first.data) || !Array.isArray(first.shape)) {
        return json(400, {
          error:
            'Expected "inputs" with "name", "shape", "datatype" and "data"',
        });
      }
      const flat: unknown[] = first.data.flat(Infinity);
      const [rowCount, width] =
        first.shape.length >= 2 ? first.shape : [1, flat.length];
      if (rowCount * width !== flat.length) {
        return json(400, {
          error: `shape ${JSON.stringify(first.shape)} does not match ${
            flat.length
          } data elements`,
        });
      }
      const rows = Array.from({ length: rowCount }, (_, i) =>
        flat.slice(i * width, (i + 1) * width),
      );
      return json(200, {
        model_name: opts.model,
        model_version: null,
        id: body.value.id ?? cryptoId(),
        parameters: null,
        outputs: [
          {
            name: 'output-0',
            shape: [rowCount],
            datatype: 'FP32',
            parameters: null,
            data: rows.map(score),
          },
        ],
      });
    },
  };
}

function cryptoId(): string {
  return globalThis.crypto.randomUUID();
}
