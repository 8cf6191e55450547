import { ReactNode } from 'react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { alertApiRef } from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import type {
  ApiKeyInfo,
  ModelKindDetection,
  Publication,
} from '@model-publishing/plugin-model-publishing-common';
import {
  ModelPublishingApi,
  modelPublishingApiRef,
} from '../api/ModelPublishingApi';
import { ModelAccessApi, modelAccessApiRef } from '../api/ModelAccessApi';
import type {
  ModelAddress,
  ModelInfo,
  UsageReport,
  UsageSummary,
} from '../api/types';

export const address: ModelAddress = {
  cluster: 'default',
  namespace: 'team-a',
  name: 'fraud-detector',
};

let counter = 0;
/**
 * An InferenceService entity with a unique name: usePermission caches results (SWR) by resource ref
 * across renders, so every test gets its own ref.
 */
export function makeEntity(annotations?: Record<string, string>): Entity {
  counter += 1;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `fraud-detector-${counter}`,
      namespace: 'default',
      annotations: annotations ?? {
        'model-publishing/inference-service': 'team-a/fraud-detector',
      },
    },
    spec: {
      type: 'model',
      owner: 'group:default/team-a',
      lifecycle: 'production',
    },
  };
}

export function uniqueRef(): string {
  counter += 1;
  return `component:default/model-${counter}`;
}

export const highV1: ModelKindDetection = {
  kind: 'v1',
  confidence: 'high',
  reason: 'sklearn predictor without protocolVersion: KServe v1 by default',
  alternatives: [],
};
export const lowOpenai: ModelKindDetection = {
  kind: 'openai',
  confidence: 'low',
  reason: 'Hugging Face runtime without --task: the server infers the task',
  alternatives: ['v1', 'v2'],
};
export const openaiHigh: ModelKindDetection = {
  kind: 'openai',
  confidence: 'high',
  reason: 'vLLM runtime',
  alternatives: [],
  openaiPathPrefix: '/v1',
};

export function modelInfo(detection: ModelKindDetection = highV1): ModelInfo {
  return { ...address, ready: true, detection };
}

export function publication(overrides: Partial<Publication> = {}): Publication {
  return {
    id: 'pub-1',
    cluster: 'default',
    namespace: 'team-a',
    name: 'fraud-detector',
    entityRef: 'component:default/fraud-detector',
    owner: 'group:default/team-a',
    modelKind: 'v1',
    status: 'published',
    config: { rateLimits: { requestsPerMinute: 60 } },
    endpoints: [
      {
        url: 'https://models.example.com/models/team-a/fraud-detector',
        description: 'KServe v1 predict',
      },
    ],
    objects: [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: 'team-a',
        name: 'fraud-detector-mp-keys',
      },
      {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'SecurityPolicy',
        namespace: 'team-a',
        name: 'fraud-detector-mp',
      },
      {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'BackendTrafficPolicy',
        namespace: 'team-a',
        name: 'fraud-detector-mp',
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        namespace: 'team-a',
        name: 'fraud-detector-mp',
      },
    ],
    createdBy: 'user:default/alice',
    createdAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T10:00:00Z',
    ...overrides,
  };
}

export function apiKey(overrides: Partial<ApiKeyInfo> = {}): ApiKeyInfo {
  return {
    id: 'k1',
    publicationId: 'pub-1',
    name: 'ci-client',
    prefix: 'mpk_AbCd',
    clientId: 'key-k1',
    createdBy: 'user:default/alice',
    createdAt: '2026-11-20T10:00:00Z',
    status: 'active',
    ...overrides,
  };
}

/** Every method a jest.fn that rejects unless a test says otherwise. */
export function mockModelPublishingApi(
  overrides: Partial<ModelPublishingApi> = {},
): jest.Mocked<ModelPublishingApi> {
  const names: (keyof ModelPublishingApi)[] = [
    'listPublications',
    'getModel',
    'dryRun',
    'publish',
    'updatePublication',
    'unpublish',
    'listKeys',
    'createKey',
    'rotateKey',
    'revokeKey',
    'updateKey',
    'tryIt',
    'getUsage',
    'getUsageCsvUrl',
    'downloadUsageCsv',
    'getUsageSummary',
    'getGuide',
    'listAudit',
    'getDeprecation',
    'deprecate',
    'undeprecate',
  ];
  const api: Record<string, jest.Mock> = {};
  for (const name of names) {
    api[name] = jest.fn(async () => {
      throw new Error(`unexpected call ${name}`);
    });
  }
  // Not deprecated unless a test says so.
  api.getDeprecation = jest.fn(async () => ({}));
  for (const [name, impl] of Object.entries(overrides))
    api[name] = jest.fn(impl as any);
  return api as unknown as jest.Mocked<ModelPublishingApi>;
}

/** Every method of the access API a jest.fn that rejects unless a test says otherwise. */
export function mockModelAccessApi(
  overrides: Partial<ModelAccessApi> = {},
): jest.Mocked<ModelAccessApi> {
  const names: (keyof ModelAccessApi)[] = [
    'listPlans',
    'requestAccess',
    'listAccessRequests',
    'listConsumers',
    'manageConsumerKey',
    'getMyModelAccess',
    'getMyAccess',
    'listRequestsToDecide',
    'decide',
    'collectKey',
    'rotateMyKey',
    'revokeMyKey',
    'getMyKeyUsage',
  ];
  const api: Record<string, jest.Mock> = {};
  for (const name of names) {
    api[name] = jest.fn(async () => {
      throw new Error(`unexpected call ${name}`);
    });
  }
  for (const [name, impl] of Object.entries(overrides))
    api[name] = jest.fn(impl as any);
  return api as unknown as jest.Mocked<ModelAccessApi>;
}

/** Permission API that allows everything except the permission names in `deny` (or everything with 'all'). */
export function permissionApi(deny: string[] | 'all' = []) {
  return {
    authorize: jest.fn(async (request: { permission: { name: string } }) => ({
      result:
        deny === 'all' || deny.includes(request.permission.name)
          ? 'DENY'
          : 'ALLOW',
    })),
    authorizeConditional: jest.fn(),
  };
}

export const alertApi = { post: jest.fn(), alert$: jest.fn() };

export async function renderWithApis(
  element: ReactNode,
  options: {
    api: ModelPublishingApi;
    /** The consumers' API; by default one with no requests, consumers or plans. */
    accessApi?: ModelAccessApi;
    deny?: string[] | 'all';
    entity?: Entity;
    catalogApi?: unknown;
  },
) {
  const apis: any[] = [
    [modelPublishingApiRef, options.api],
    [
      modelAccessApiRef,
      options.accessApi ??
        mockModelAccessApi({
          listAccessRequests: async () => [],
          listConsumers: async () => [],
          listPlans: async () => [],
        }),
    ],
    [permissionApiRef, permissionApi(options.deny)],
    [alertApiRef, alertApi],
  ];
  if (options.catalogApi) apis.push([catalogApiRef, options.catalogApi]);
  const content = options.entity ? (
    <EntityProvider entity={options.entity}>{element}</EntityProvider>
  ) : (
    element
  );
  return renderInTestApp(
    <TestApiProvider apis={apis as any}>{content}</TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

const zero = {
  requests: 0,
  status401: 0,
  status403: 0,
  status429: 0,
  status4xxOther: 0,
  status5xx: 0,
  inputTokens: 0,
  outputTokens: 0,
};

/** A UsageReport as the backend sends it (common's type), empty unless overridden. */
export function usageReport(overrides: Partial<UsageReport> = {}): UsageReport {
  return {
    publicationId: 'pub-1',
    from: '2026-11-25T00:00:00.000Z',
    to: '2026-11-26T00:00:00.000Z',
    granularity: 'hour',
    totals: { ...zero },
    buckets: [],
    keys: [],
    alerts: [],
    latency: [],
    approximations: [],
    ...overrides,
  };
}

export function usageTotals(overrides: Partial<typeof zero> = {}) {
  return { ...zero, ...overrides };
}

/** A UsageSummary over the 7 days from 2026-11-19 (the summary's `days`), with the given items. */
export function usageSummary(items: UsageSummary['items'] = []): UsageSummary {
  return {
    from: '2026-11-19T00:00:00.000Z',
    to: '2026-11-26T00:00:00.000Z',
    days: Array.from({ length: 7 }, (_, i) =>
      new Date(Date.UTC(2026, 10, 19 + i)).toISOString(),
    ),
    items,
  };
}

/** One item of a usage summary: requests per day as given, totals their sum. */
export function usageSummaryItem(
  pub: Pick<Publication, 'id' | 'cluster' | 'namespace' | 'name' | 'entityRef'>,
  requestsPerDay: number[],
): UsageSummary['items'][number] {
  return {
    publicationId: pub.id,
    cluster: pub.cluster,
    namespace: pub.namespace,
    name: pub.name,
    ...(pub.entityRef ? { entityRef: pub.entityRef } : {}),
    totals: usageTotals({
      requests: requestsPerDay.reduce((a, b) => a + b, 0),
    }),
    requestsPerDay,
    alerts: 0,
  };
}
