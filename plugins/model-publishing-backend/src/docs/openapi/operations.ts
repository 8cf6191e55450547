import { exampleCalls, type ExampleCall } from '../examples';
import { schemaRef } from './schemas';
import type {
  OpenApiMediaType,
  OpenApiOperation,
  OpenApiResponse,
} from './types';

function errorResponse(
  description: string,
  headers?: OpenApiResponse['headers'],
): OpenApiResponse {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: schemaRef('Error') } },
  };
}

/** What the gateway and the model server may answer instead of success (the guide's error table). */
export function errorResponses(
  openai: boolean,
): Record<string, OpenApiResponse> {
  return {
    '400': errorResponse('The model server could not read the request body.'),
    '401': errorResponse('No API key, or an unknown, revoked or expired key.'),
    '403': errorResponse('The key is not allowed on this endpoint.'),
    '404': errorResponse(
      openai
        ? 'Unknown path, or `model` is not the published model.'
        : 'Unknown path or model name.',
    ),
    '413': errorResponse('Request body too large.'),
    '429': errorResponse(
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
    '500': errorResponse('The model failed on this input.'),
    '503': errorResponse(
      'The model is unavailable or starting; retry with backoff.',
    ),
  };
}

/** The `200` of an example call: its JSON body, and server-sent events where the call can stream. */
function successResponse(
  call: ExampleCall,
  responseSchema: string,
): OpenApiResponse {
  const content: Record<string, OpenApiMediaType> = {
    'application/json': {
      schema: schemaRef(responseSchema),
      example: call.response,
    },
  };
  if (call.stream || call.id === 'chat') {
    content['text/event-stream'] = {
      schema: {
        type: 'string',
        description:
          'With `"stream": true`: `data: {chunk}` lines, ending with `data: [DONE]`.',
      },
    };
  }
  return { description: 'Success.', content };
}

/** The request body of an example call; chat shows its streaming variant as a second example. */
function requestBody(
  call: ExampleCall,
  requestSchema: string,
): OpenApiMediaType {
  const streaming =
    call.id === 'chat'
      ? exampleCalls('openai', String(call.body.model)).find(
          c => c.id === 'stream',
        )
      : undefined;
  return {
    schema: schemaRef(requestSchema),
    ...(streaming
      ? {
          examples: {
            chat: { value: call.body },
            streaming: { value: streaming.body },
          },
        }
      : { example: call.body }),
  };
}

/** The POST operation of one example call, with its request and response schemas (by component name). */
export function callOperation(
  call: ExampleCall,
  schemas: { request: string; response: string; openai: boolean },
  summary = call.title,
): OpenApiOperation {
  return {
    operationId: call.id,
    summary,
    requestBody: {
      required: true,
      content: { 'application/json': requestBody(call, schemas.request) },
    },
    responses: {
      '200': successResponse(call, schemas.response),
      ...errorResponses(schemas.openai),
    },
  };
}
