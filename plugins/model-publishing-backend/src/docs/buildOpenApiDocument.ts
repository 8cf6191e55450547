import type { PublicationEndpoint } from '../gateway/types';
import {
  checkGuideInput,
  type GuideDetection,
  type GuideOptions,
  type GuidePublication,
} from './buildGuide';
import { ownerText } from './ownerText';
import { exampleCalls, type ExampleCall } from './examples';

/** An OpenAPI 3.0 document, as plain JSON data. */
export type OpenApiDocument = { openapi: string } & Record<string, any>;

const errorSchema = {
  type: 'object',
  description:
    'The gateway and model servers answer errors with a short text or JSON body; do not parse it strictly.',
  additionalProperties: true,
};

function errorResponses(openai: boolean) {
  const res = (description: string, headers?: object) => ({
    description,
    ...(headers ? { headers } : {}),
    content: {
      'application/json': { schema: { $ref: '#/components/schemas/Error' } },
    },
  });
  return {
    '400': res('The model server could not read the request body.'),
    '401': res('No API key, or an unknown, revoked or expired key.'),
    '403': res('The key is not allowed on this endpoint.'),
    '404': res(
      openai
        ? 'Unknown path, or `model` is not the published model.'
        : 'Unknown path or model name.',
    ),
    '413': res('Request body too large.'),
    '429': res(
      'A rate or token limit of the key is reached. Retry after `Retry-After` seconds, else back off exponentially.',
      {
        'Retry-After': {
          description: 'Seconds to wait before retrying, when present.',
          schema: { type: 'integer' },
        },
        'X-RateLimit-Reset': {
          description: 'Seconds until the limit window resets, when present.',
          schema: { type: 'integer' },
        },
      },
    ),
    '500': res('The model failed on this input.'),
    '503': res('The model is unavailable or starting; retry with backoff.'),
  };
}

const SCHEMAS: Record<string, object> = {
  V1PredictRequest: {
    type: 'object',
    required: ['instances'],
    properties: {
      instances: {
        type: 'array',
        items: {},
        description: 'One entry per input row.',
      },
    },
  },
  V1PredictResponse: {
    type: 'object',
    properties: { predictions: { type: 'array', items: {} } },
  },
  V2Tensor: {
    type: 'object',
    required: ['name', 'shape', 'datatype', 'data'],
    properties: {
      name: { type: 'string' },
      shape: { type: 'array', items: { type: 'integer' } },
      datatype: {
        type: 'string',
        example: 'FP32',
        description:
          'BOOL, UINT8…UINT64, INT8…INT64, FP16, FP32, FP64 or BYTES.',
      },
      parameters: { type: 'object', additionalProperties: true },
      data: { type: 'array', items: {}, description: 'Row-major, flattened.' },
    },
  },
  V2InferRequest: {
    type: 'object',
    required: ['inputs'],
    properties: {
      id: { type: 'string' },
      parameters: { type: 'object', additionalProperties: true },
      inputs: {
        type: 'array',
        items: { $ref: '#/components/schemas/V2Tensor' },
      },
      outputs: {
        type: 'array',
        items: { type: 'object', properties: { name: { type: 'string' } } },
      },
    },
  },
  V2InferResponse: {
    type: 'object',
    required: ['model_name', 'outputs'],
    properties: {
      model_name: { type: 'string' },
      model_version: { type: 'string' },
      id: { type: 'string' },
      outputs: {
        type: 'array',
        items: { $ref: '#/components/schemas/V2Tensor' },
      },
    },
  },
  ChatMessage: {
    type: 'object',
    required: ['role', 'content'],
    properties: {
      role: {
        type: 'string',
        enum: ['system', 'user', 'assistant', 'tool', 'developer'],
      },
      content: {
        oneOf: [
          { type: 'string' },
          { type: 'array', items: { type: 'object' } },
        ],
      },
    },
  },
  ChatCompletionRequest: {
    type: 'object',
    required: ['model', 'messages'],
    properties: {
      model: { type: 'string' },
      messages: {
        type: 'array',
        items: { $ref: '#/components/schemas/ChatMessage' },
      },
      max_tokens: { type: 'integer' },
      temperature: { type: 'number' },
      stream: {
        type: 'boolean',
        description: 'Answer with server-sent events (`text/event-stream`).',
      },
    },
    additionalProperties: true,
  },
  CompletionRequest: {
    type: 'object',
    required: ['model', 'prompt'],
    properties: {
      model: { type: 'string' },
      prompt: {
        oneOf: [
          { type: 'string' },
          { type: 'array', items: { type: 'string' } },
        ],
      },
      max_tokens: { type: 'integer' },
      stream: { type: 'boolean' },
    },
    additionalProperties: true,
  },
  EmbeddingRequest: {
    type: 'object',
    required: ['model', 'input'],
    properties: {
      model: { type: 'string' },
      input: {
        oneOf: [
          { type: 'string' },
          { type: 'array', items: { type: 'string' } },
        ],
      },
    },
    additionalProperties: true,
  },
  OpenAIResponse: { type: 'object', additionalProperties: true },
  Error: errorSchema,
};

function operation(
  call: ExampleCall,
  openai: boolean,
  request: string,
  response: string,
  summary = call.title,
) {
  const ok: any = {
    description: 'Success.',
    content: {
      'application/json': {
        schema: { $ref: `#/components/schemas/${response}` },
      },
    },
  };
  if (call.stream || call.id === 'chat') {
    ok.content['text/event-stream'] = {
      schema: {
        type: 'string',
        description:
          'With `"stream": true`: `data: {chunk}` lines, ending with `data: [DONE]`.',
      },
    };
  }
  const example =
    call.id === 'chat'
      ? exampleCalls('openai', String(call.body.model)).find(
          c => c.id === 'stream',
        )
      : undefined;
  return {
    operationId: call.id,
    summary,
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: { $ref: `#/components/schemas/${request}` },
          ...(example
            ? {
                examples: {
                  chat: { value: call.body },
                  streaming: { value: example.body },
                },
              }
            : { example: call.body }),
        },
      },
    },
    responses: {
      '200': {
        ...ok,
        content: {
          ...ok.content,
          'application/json': {
            ...ok.content['application/json'],
            example: call.response,
          },
        },
      },
      ...errorResponses(openai),
    },
  };
}

/** The component schemas `value` refers to, following references between schemas. */
function referencedSchemas(value: unknown): Record<string, object> {
  const found: Record<string, object> = {};
  const queue = [JSON.stringify(value)];
  while (queue.length > 0) {
    for (const [, name] of queue
      .pop()!
      .matchAll(/#\/components\/schemas\/(\w+)/g)) {
      if (!found[name] && SCHEMAS[name]) {
        found[name] = SCHEMAS[name];
        queue.push(JSON.stringify(SCHEMAS[name]));
      }
    }
  }
  return found;
}

/**
 * OpenAPI 3.0 of a publication's public endpoint (server = `endpoints[0]`), with both accepted
 * API-key schemes. Pure; the same inputs as `buildGuide`.
 */
export function buildOpenApiDocument(
  publication: GuidePublication,
  detection: GuideDetection,
  endpoints: PublicationEndpoint[],
  options: GuideOptions = {},
): OpenApiDocument {
  checkGuideInput(detection, endpoints);
  const kind = detection.kind;
  const model = options.modelName ?? publication.name;
  // Only the calls the model answers: a chat model's document has no /embeddings, an embedding model's no chat.
  const calls = exampleCalls(
    kind,
    model,
    detection.openaiTask,
    options.example,
  );
  const openai = kind === 'openai';
  const paths: Record<string, any> = {};

  if (kind === 'v1') {
    const [predict] = calls;
    paths[predict.path] = {
      post: operation(predict, false, 'V1PredictRequest', 'V1PredictResponse'),
    };
    paths[`/v1/models/${model}`] = {
      get: {
        operationId: 'modelStatus',
        summary: 'Model status',
        responses: {
          '200': {
            description: 'The model is loaded.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    name: { type: 'string' },
                    ready: { type: 'boolean' },
                  },
                },
              },
            },
          },
          ...errorResponses(false),
        },
      },
    };
  } else if (kind === 'v2') {
    const [infer] = calls;
    paths[infer.path] = {
      post: operation(infer, false, 'V2InferRequest', 'V2InferResponse'),
    };
    paths[`/v2/models/${model}/ready`] = {
      get: {
        operationId: 'modelReady',
        summary: 'Readiness',
        responses: {
          '200': { description: 'The model is ready.' },
          ...errorResponses(false),
        },
      },
    };
    paths[`/v2/models/${model}`] = {
      get: {
        operationId: 'modelMetadata',
        summary: 'Model metadata (inputs and outputs)',
        responses: {
          '200': {
            description: 'Metadata.',
            content: {
              'application/json': {
                schema: { type: 'object', additionalProperties: true },
              },
            },
          },
          ...errorResponses(false),
        },
      },
    };
  } else {
    const byId = Object.fromEntries(calls.map(c => [c.id, c]));
    if (byId.chat) {
      paths['/chat/completions'] = {
        post: operation(
          byId.chat,
          true,
          'ChatCompletionRequest',
          'OpenAIResponse',
          'Chat completions (set "stream": true to stream)',
        ),
      };
    }
    if (byId.completions) {
      paths['/completions'] = {
        post: operation(
          byId.completions,
          true,
          'CompletionRequest',
          'OpenAIResponse',
        ),
      };
    }
    if (byId.embeddings) {
      paths['/embeddings'] = {
        post: operation(
          byId.embeddings,
          true,
          'EmbeddingRequest',
          'OpenAIResponse',
        ),
      };
    }
  }

  const schemas = referencedSchemas(paths);
  return {
    openapi: '3.0.3',
    info: {
      title: `${publication.name} (${publication.namespace})`,
      version: '1.0.0',
      description: [
        publication.config.description &&
          ownerText(publication.config.description),
        openai
          ? `OpenAI-compatible API of the model \`${model}\`: send \`"model": "${model}"\` in every request.`
          : `${
              kind === 'v1' ? 'KServe v1' : 'Open Inference Protocol (v2)'
            } API of the model \`${model}\`.`,
        'Authenticate with `Authorization: Bearer <key>` or `x-api-key: <key>`. A `429` means a limit of the key is reached: honour `Retry-After`.',
      ]
        .filter(Boolean)
        .join('\n\n'),
    },
    servers: [
      {
        url: endpoints[0].url.replace(/\/+$/, ''),
        description: endpoints[0].description,
      },
    ],
    security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'The API key as a bearer token.',
        },
        apiKeyHeader: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'The API key in the x-api-key header.',
        },
      },
      schemas,
    },
  };
}
