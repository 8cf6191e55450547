import type { ExampleCall } from '../examples';
import { callOperation, errorResponses } from './operations';
import type { OpenApiPaths } from './types';

/** KServe v1: predict, and the model's status. */
function v1Paths(calls: ExampleCall[], model: string): OpenApiPaths {
  const [predict] = calls;
  return {
    [predict.path]: {
      post: callOperation(predict, {
        request: 'V1PredictRequest',
        response: 'V1PredictResponse',
        openai: false,
      }),
    },
    [`/v1/models/${model}`]: {
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
    },
  };
}

/** Open Inference Protocol (v2): infer, readiness and metadata. */
function v2Paths(calls: ExampleCall[], model: string): OpenApiPaths {
  const [infer] = calls;
  return {
    [infer.path]: {
      post: callOperation(infer, {
        request: 'V2InferRequest',
        response: 'V2InferResponse',
        openai: false,
      }),
    },
    [`/v2/models/${model}/ready`]: {
      get: {
        operationId: 'modelReady',
        summary: 'Readiness',
        responses: {
          '200': { description: 'The model is ready.' },
          ...errorResponses(false),
        },
      },
    },
    [`/v2/models/${model}`]: {
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
    },
  };
}

/** OpenAI-compatible: one path per call the model answers (chat also streams). */
function openaiPaths(calls: ExampleCall[]): OpenApiPaths {
  const byId = Object.fromEntries(calls.map(c => [c.id, c]));
  const paths: OpenApiPaths = {};
  if (byId.chat) {
    paths['/chat/completions'] = {
      post: callOperation(
        byId.chat,
        {
          request: 'ChatCompletionRequest',
          response: 'OpenAIResponse',
          openai: true,
        },
        'Chat completions (set "stream": true to stream)',
      ),
    };
  }
  if (byId.completions) {
    paths['/completions'] = {
      post: callOperation(byId.completions, {
        request: 'CompletionRequest',
        response: 'OpenAIResponse',
        openai: true,
      }),
    };
  }
  if (byId.embeddings) {
    paths['/embeddings'] = {
      post: callOperation(byId.embeddings, {
        request: 'EmbeddingRequest',
        response: 'OpenAIResponse',
        openai: true,
      }),
    };
  }
  return paths;
}

/** The paths of a published model of `kind`, for the example calls it answers (pure). */
export function modelPaths(
  kind: 'v1' | 'v2' | 'openai',
  calls: ExampleCall[],
  model: string,
): OpenApiPaths {
  if (kind === 'v1') return v1Paths(calls, model);
  if (kind === 'v2') return v2Paths(calls, model);
  return openaiPaths(calls);
}
