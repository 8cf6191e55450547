import type { JsonSchema } from './types';

/** A reference to one of `COMPONENT_SCHEMAS`. */
export function schemaRef(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** Request and response bodies of the three protocols, and the error body; a document lists those it refers to. */
const COMPONENT_SCHEMAS: Record<string, JsonSchema> = {
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
  Error: {
    type: 'object',
    description:
      'The gateway and model servers answer errors with a short text or JSON body; do not parse it strictly.',
    additionalProperties: true,
  },
};

/** The component schemas `value` refers to, following references between schemas (pure). */
export function referencedSchemas(value: unknown): Record<string, JsonSchema> {
  const found: Record<string, JsonSchema> = {};
  const queue = [JSON.stringify(value)];
  while (queue.length > 0) {
    for (const [, name] of queue
      .pop()!
      .matchAll(/#\/components\/schemas\/(\w+)/g)) {
      if (!found[name] && COMPONENT_SCHEMAS[name]) {
        found[name] = COMPONENT_SCHEMAS[name];
        queue.push(JSON.stringify(COMPONENT_SCHEMAS[name]));
      }
    }
  }
  return found;
}
