/**
 * The part of OpenAPI 3.0 the publication's document uses, as plain JSON data (local types: the
 * plugin has no OpenAPI model package among its dependencies).
 */

/** A JSON Schema object as OpenAPI 3.0 embeds it. */
export type JsonSchema = Record<string, unknown>;

export type OpenApiMediaType = {
  schema: JsonSchema;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
};

export type OpenApiHeader = { description: string; schema: JsonSchema };

export type OpenApiResponse = {
  description: string;
  headers?: Record<string, OpenApiHeader>;
  content?: Record<string, OpenApiMediaType>;
};

export type OpenApiOperation = {
  operationId: string;
  summary: string;
  requestBody?: {
    required: boolean;
    content: Record<string, OpenApiMediaType>;
  };
  responses: Record<string, OpenApiResponse>;
};

export type OpenApiPathItem = {
  get?: OpenApiOperation;
  post?: OpenApiOperation;
};

/** Path (below the server URL) → its operations. */
export type OpenApiPaths = Record<string, OpenApiPathItem>;

export type OpenApiSecurityScheme =
  | { type: 'http'; scheme: 'bearer'; description: string }
  | { type: 'apiKey'; in: 'header'; name: string; description: string };

/** An OpenAPI 3.0 document of a publication's public endpoint. */
export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  security: Record<string, string[]>[];
  paths: OpenApiPaths;
  components: {
    securitySchemes: Record<string, OpenApiSecurityScheme>;
    schemas: Record<string, JsonSchema>;
  };
};
