import type { Publication } from '@model-publishing/plugin-model-publishing-common';

export function publication(overrides: Partial<Publication> = {}): Publication {
  return {
    id: 'pub-1',
    cluster: 'local',
    namespace: 'fraud',
    name: 'sklearn-iris',
    modelKind: 'v1',
    status: 'published',
    config: { rateLimits: { requestsPerMinute: 60 } },
    endpoints: [
      {
        url: 'https://models.example.com/models/fraud/sklearn-iris',
        description: 'KServe v1 predict',
      },
    ],
    objects: [],
    createdBy: 'user:default/alice',
    createdAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T10:00:00.000Z',
    ...overrides,
  };
}

export const openapiFor = (p: Publication) => ({
  openapi: '3.0.3',
  info: { title: `${p.namespace}/${p.name}`, version: p.updatedAt },
  servers: p.endpoints.map(e => ({ url: e.url })),
  paths: {
    '/v1/models/{model}:predict': {
      post: { responses: { '200': { description: 'ok' } } },
    },
  },
});
