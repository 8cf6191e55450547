import type { PublicationEndpoint } from '../gateway/types';
import { exampleCalls } from './examples';
import {
  checkGuideInput,
  type GuideDetection,
  type GuideOptions,
  type GuidePublication,
} from './guideInput';
import { modelPaths } from './openapi/paths';
import { referencedSchemas } from './openapi/schemas';
import type { OpenApiDocument } from './openapi/types';
import { ownerText } from './ownerText';

export type { OpenApiDocument } from './openapi/types';

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
  const paths = modelPaths(kind, calls, model);
  return {
    openapi: '3.0.3',
    info: {
      title: `${publication.name} (${publication.namespace})`,
      version: '1.0.0',
      description: [
        publication.config.description &&
          ownerText(publication.config.description),
        kind === 'openai'
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
      schemas: referencedSchemas(paths),
    },
  };
}
