import type {
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
): ExampleCall[] {
  const calls = allExampleCalls(kind, model);
  if (kind !== 'openai' || !task) return calls;
  return calls.filter(c => (task === 'embed') === (c.id === 'embeddings'));
}

function allExampleCalls(kind: ModelKind, model: string): ExampleCall[] {
  if (kind === 'v1') {
    return [
      {
        id: 'predict',
        title: 'Predict (v1 protocol)',
        path: `/v1/models/${model}:predict`,
        body: {
          instances: [
            [6.8, 2.8, 4.8, 1.4],
            [6.0, 3.4, 4.5, 1.6],
          ],
        },
        response: { predictions: [1, 1] },
      },
    ];
  }
  if (kind === 'v2') {
    return [
      {
        id: 'infer',
        title: 'Inference (Open Inference Protocol, v2)',
        path: `/v2/models/${model}/infer`,
        body: {
          inputs: [
            {
              name: 'input-0',
              shape: [2, 4],
              datatype: 'FP32',
              data: [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6],
            },
          ],
        },
        response: {
          model_name: model,
          id: 'b5a6e3a1-1f6c-4b7e-9d4e-6f3f2c1a0b9d',
          outputs: [
            { name: 'output-0', shape: [2], datatype: 'INT64', data: [1, 1] },
          ],
        },
      },
    ];
  }
  if (kind !== 'openai') return [];
  const messages = [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Write a haiku about Kubernetes.' },
  ];
  return [
    {
      id: 'chat',
      title: 'Chat completions',
      path: '/chat/completions',
      body: { model, messages, max_tokens: 100 },
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
