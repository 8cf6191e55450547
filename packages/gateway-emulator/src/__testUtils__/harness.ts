import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { startEmulator } from '@model-publishing/kube-emulator';
import { AccessLogRecord } from '../accessLog';
import { RunningGateway, memoryAccessLog, startGateway } from '../server';
import { json } from '../stubs/types';
import { ModelServerStub } from '../stubs/types';
import { openaiStub } from '../stubs/openai';
import { kserveV1Stub } from '../stubs/kserve';

export const NS = 'conformance';

/** Upstream's echo backend: answers 200 with what it received, so tests can see forwarded headers. */
export function echoStub(host: string): ModelServerStub {
  return {
    host,
    handle: async req =>
      json(200, { path: req.path, method: req.method, headers: req.headers }),
  };
}

/** A model server that answers with a fixed OpenAI usage (AI Gateway's testupstream with a fake body). */
export function fixedUsageStub(host: string, model: string): ModelServerStub {
  return {
    host,
    handle: async req => {
      const usage = JSON.parse(
        String(
          req.headers['x-test-usage'] ??
            '{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}',
        ),
      );
      return json(200, {
        id: 'x',
        object: 'chat.completion',
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'This is a test.' },
            finish_reason: 'stop',
          },
        ],
        usage,
      });
    },
  };
}

export interface Harness {
  gateway: RunningGateway;
  kc: KubeConfig;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  logs: AccessLogRecord[];
  now: { ms: number };
  close(): Promise<void>;
}

export async function startHarness(
  extraStubs: ModelServerStub[] = [],
): Promise<Harness> {
  const emu = await startEmulator({ port: 0 });
  const kc = new KubeConfig();
  kc.loadFromString(emu.kubeconfigYaml);
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  const log = memoryAccessLog();
  const now = { ms: Date.UTC(2026, 0, 1, 12, 0, 30) };
  const gateway = await startGateway({
    kubeConfig: kc,
    port: 0,
    stubs: [
      echoStub(`echo.${NS}`),
      kserveV1Stub({
        host: `sklearn-predictor.${NS}`,
        model: 'sklearn',
        latencyScale: 0,
      }),
      openaiStub({
        host: `llm-predictor.${NS}`,
        model: 'llm',
        prefix: '/openai/v1',
        latencyScale: 0,
      }),
      ...extraStubs,
    ],
    accessLog: [log.sink],
    recordUpstreamRequests: 50,
    now: () => now.ms,
  });
  return {
    gateway,
    kc,
    core,
    custom: kc.makeApiClient(CustomObjectsApi),
    logs: log.records,
    now,
    async close() {
      await gateway.close();
      await emu.close();
    },
  };
}

const parentRefs = [
  {
    group: 'gateway.networking.k8s.io',
    kind: 'Gateway',
    name: 'gw',
    namespace: NS,
  },
];

export async function createSecret(
  h: Harness,
  name: string,
  keys: Record<string, string>,
) {
  await h.core.createNamespacedSecret({
    namespace: NS,
    body: { metadata: { name }, stringData: keys },
  });
}

export async function replaceSecret(
  h: Harness,
  name: string,
  keys: Record<string, string>,
) {
  const current = await h.core.readNamespacedSecret({ name, namespace: NS });
  await h.core.replaceNamespacedSecret({
    name,
    namespace: NS,
    body: {
      metadata: { name, resourceVersion: current.metadata?.resourceVersion },
      stringData: keys,
      data: {},
    },
  });
}

export async function createHttpRoute(
  h: Harness,
  name: string,
  spec: {
    prefix: string;
    service: string;
    hostnames?: string[];
    rewrite?: string;
    filters?: unknown[];
  },
) {
  await h.custom.createNamespacedCustomObject({
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    namespace: NS,
    plural: 'httproutes',
    body: {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name },
      spec: {
        parentRefs,
        ...(spec.hostnames ? { hostnames: spec.hostnames } : {}),
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: spec.prefix } }],
            ...(spec.rewrite !== undefined || spec.filters
              ? {
                  filters: [
                    ...(spec.rewrite !== undefined
                      ? [
                          {
                            type: 'URLRewrite',
                            urlRewrite: {
                              path: {
                                type: 'ReplacePrefixMatch',
                                replacePrefixMatch: spec.rewrite,
                              },
                            },
                          },
                        ]
                      : []),
                    ...(spec.filters ?? []),
                  ],
                }
              : {}),
            backendRefs: [
              { group: '', kind: 'Service', name: spec.service, port: 80 },
            ],
          },
        ],
      },
    },
  });
}

export async function createAiRoute(
  h: Harness,
  name: string,
  spec: { hostname: string; model: string; service: string; prefix: string },
) {
  const c = h.custom;
  await c.createNamespacedCustomObject({
    group: 'gateway.envoyproxy.io',
    version: 'v1alpha1',
    namespace: NS,
    plural: 'backends',
    body: {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'Backend',
      metadata: { name },
      spec: {
        endpoints: [
          {
            fqdn: {
              hostname: `${spec.service}.${NS}.svc.cluster.local`,
              port: 80,
            },
          },
        ],
      },
    },
  });
  await c.createNamespacedCustomObject({
    group: 'aigateway.envoyproxy.io',
    version: 'v1beta1',
    namespace: NS,
    plural: 'aiservicebackends',
    body: {
      apiVersion: 'aigateway.envoyproxy.io/v1beta1',
      kind: 'AIServiceBackend',
      metadata: { name },
      spec: {
        schema: { name: 'OpenAI', prefix: spec.prefix },
        backendRef: { group: 'gateway.envoyproxy.io', kind: 'Backend', name },
      },
    },
  });
  await c.createNamespacedCustomObject({
    group: 'aigateway.envoyproxy.io',
    version: 'v1beta1',
    namespace: NS,
    plural: 'aigatewayroutes',
    body: {
      apiVersion: 'aigateway.envoyproxy.io/v1beta1',
      kind: 'AIGatewayRoute',
      metadata: { name },
      spec: {
        parentRefs,
        hostnames: [spec.hostname],
        rules: [
          {
            matches: [
              {
                headers: [
                  { type: 'Exact', name: 'x-ai-eg-model', value: spec.model },
                ],
              },
            ],
            backendRefs: [{ name }],
          },
        ],
        llmRequestCosts: [
          { metadataKey: 'llm_input_token', type: 'InputToken' },
          { metadataKey: 'llm_output_token', type: 'OutputToken' },
          { metadataKey: 'llm_total_token', type: 'TotalToken' },
        ],
      },
    },
  });
}

export async function createApiKeyPolicy(
  h: Harness,
  name: string,
  route: string,
  secret: string,
  headers = ['authorization', 'x-api-key'],
) {
  await h.custom.createNamespacedCustomObject({
    group: 'gateway.envoyproxy.io',
    version: 'v1alpha1',
    namespace: NS,
    plural: 'securitypolicies',
    body: {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'SecurityPolicy',
      metadata: { name },
      spec: {
        targetRefs: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'HTTPRoute',
            name: route,
          },
        ],
        apiKeyAuth: {
          credentialRefs: [{ group: '', kind: 'Secret', name: secret }],
          extractFrom: [{ headers }],
          forwardClientIDHeader: 'x-client-id',
          sanitize: true,
        },
      },
    },
  });
}

export async function createRateLimitPolicy(
  h: Harness,
  name: string,
  route: string,
  rules: unknown[],
) {
  await h.custom.createNamespacedCustomObject({
    group: 'gateway.envoyproxy.io',
    version: 'v1alpha1',
    namespace: NS,
    plural: 'backendtrafficpolicies',
    body: {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name },
      spec: {
        targetRefs: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'HTTPRoute',
            name: route,
          },
        ],
        rateLimit: { global: { rules } },
      },
    },
  });
}

/** A request to the gateway; `host` sets the Host header. */
export async function call(
  h: Harness,
  path: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    host?: string;
  } = {},
): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const res = await fetch(
    `${h.gateway.url}${init.host ? `/_host/${init.host}` : ''}${path}`,
    {
      method: init.method ?? (init.body ? 'POST' : 'GET'),
      headers: {
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    },
  );
  const text = await res.text();
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: parsed };
}

/** Waits for a route to be programmed with its policies (the watch is asynchronous, as on a real gateway). */
export async function programmed(
  h: Harness,
  name: string,
  what: { auth?: boolean; rules?: number } = {},
) {
  await h.gateway.waitFor(routes =>
    routes.some(
      r =>
        r.name === name &&
        (!what.auth || r.auth !== undefined) &&
        (what.rules === undefined || r.rateLimitRules.length === what.rules),
    ),
  );
}
