import type {
  ExampleBody,
  ModelKind,
  OpenAiTask,
} from '@model-publishing/plugin-model-publishing-common';

/** One documented call of a published endpoint: what the guide shows and its tests run. */
export interface ExampleCall {
  id: 'predict' | 'infer' | 'chat' | 'completions' | 'embeddings' | 'stream';
  title: string;
  /** Path below the base URL (the first endpoint). */
  path: string;
  body: Record<string, unknown>;
  /** Server-sent events instead of one JSON body. */
  stream?: boolean;
  /** A response of the shape the model returns (values illustrative). */
  response: unknown;
  /** Said before the body: where the example comes from, when the reader should know. */
  note?: string;
}

/** Placeholder predictive inputs: only the protocol's shape (nothing any real model was trained on). */
const PLACEHOLDER_ROW = [0.0, 1.0, 2.0];

const OWNER_GAVE_NONE =
  "The model's owner has not given an example input, so the values below only show the protocol's shape: send " +
  'the features your model expects, in its order. (Owners: give one at publish time, `example`, or in the ' +
  'InferenceService annotation `model-publishing/example-request`.)';

/** How many rows a v1 body or v2 tensor holds (its first dimension), for an illustrative response. */
function batchOf(kind: 'v1' | 'v2', body: ExampleBody): number {
  if (kind === 'v1') {
    const list = (body.instances ?? body.inputs) as unknown[];
    return Math.max(1, list.length);
  }
  const first = (body.inputs as { shape?: number[] }[])[0];
  return Math.max(1, first?.shape?.[0] ?? 1);
}

/**
 * The example calls for a model kind; `model` is the name clients address the model by. For an
 * OpenAI-compatible model whose task is known, only the calls it answers: a chat model's guide lists no
 * embeddings, an embedding model's no chat.
 */
export function exampleCalls(
  kind: ModelKind,
  model: string,
  task?: OpenAiTask,
  /** The owner's example body for the main call (modelExample in common); checked for the kind. */
  example?: ExampleBody,
): ExampleCall[] {
  const calls = allExampleCalls(kind, model, example);
  if (kind !== 'openai' || !task) return calls;
  return calls.filter(c => (task === 'embed') === (c.id === 'embeddings'));
}

function allExampleCalls(
  kind: ModelKind,
  model: string,
  example: ExampleBody | undefined,
): ExampleCall[] {
  if (kind === 'v1') {
    const body = example ?? { instances: [PLACEHOLDER_ROW] };
    return [
      {
        id: 'predict',
        title: 'Predict (v1 protocol)',
        path: `/v1/models/${model}:predict`,
        body,
        response: {
          predictions: Array.from({ length: batchOf('v1', body) }, () => 0),
        },
        ...(example ? {} : { note: OWNER_GAVE_NONE }),
      },
    ];
  }
  if (kind === 'v2') {
    const body = example ?? {
      inputs: [
        {
          name: 'input-0',
          shape: [1, PLACEHOLDER_ROW.length],
          datatype: 'FP32',
          data: PLACEHOLDER_ROW,
        },
      ],
    };
    const rows = batchOf('v2', body);
    const metadata = `\`GET /v2/models/${model}\` (same key) answers the model's metadata: the name, datatype and shape of each input it expects.`;
    return [
      {
        id: 'infer',
        title: 'Inference (Open Inference Protocol, v2)',
        path: `/v2/models/${model}/infer`,
        body,
        response: {
          model_name: model,
          id: 'b5a6e3a1-1f6c-4b7e-9d4e-6f3f2c1a0b9d',
          outputs: [
            {
              name: 'output-0',
              shape: [rows],
              datatype: 'INT64',
              data: Array.from({ length: rows }, () => 0),
            },
          ],
        },
        note: example ? metadata : `${OWNER_GAVE_NONE} ${metadata}`,
      },
    ];
  }
  if (kind !== 'openai') return [];
  const messages = (example?.messages as unknown[] | undefined) ?? [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Write a haiku about Kubernetes.' },
  ];
  return [
    {
      id: 'chat',
      title: 'Chat completions',
      path: '/chat/completions',
      // The owner's chat example, addressed to the name clients use.
      body: example
        ? { ...example, model }
        : { model, messages, max_tokens: 100 },
      response: {
        id: 'chatcmpl-123',
        object: 'chat.completion',
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Pods rise and fall…' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 24, completion_tokens: 17, total_tokens: 41 },
      },
    },
    {
      id: 'stream',
      title: 'Streaming chat completions',
      path: '/chat/completions',
      body: { model, messages, max_tokens: 100, stream: true },
      stream: true,
      response:
        'data: {"id":"chatcmpl-123","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Pods"}}]}\n\n' +
        'data: {"id":"chatcmpl-123","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" rise"},"finish_reason":"stop"}]}\n\n' +
        'data: [DONE]\n\n',
    },
    {
      id: 'completions',
      title: 'Completions',
      path: '/completions',
      body: { model, prompt: 'Kubernetes is', max_tokens: 50 },
      response: {
        id: 'cmpl-123',
        object: 'text_completion',
        model,
        choices: [
          {
            index: 0,
            text: ' an open-source container orchestrator.',
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 8, total_tokens: 11 },
      },
    },
    {
      id: 'embeddings',
      title: 'Embeddings (embedding models only)',
      path: '/embeddings',
      body: {
        model,
        input: ['The food was delicious.', 'The service was slow.'],
      },
      response: {
        object: 'list',
        model,
        data: [
          {
            object: 'embedding',
            index: 0,
            embedding: [0.0123, -0.0456, 0.0789],
          },
          {
            object: 'embedding',
            index: 1,
            embedding: [0.0321, 0.0654, -0.0987],
          },
        ],
        usage: { prompt_tokens: 12, total_tokens: 12 },
      },
    },
  ];
}
