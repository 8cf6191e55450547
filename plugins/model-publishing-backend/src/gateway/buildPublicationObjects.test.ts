import { InputError } from '@backstage/errors';
import * as isvcs from '../models/__testUtils__/inferenceServices';
import {
  buildPublicationObjects,
  publicationEndpoints,
} from './buildPublicationObjects';
import {
  gateway,
  hfInput,
  input,
  v1Input,
  v2Input,
  vllmInput,
} from './__testUtils__/inputs';
import type { BuildInput, KubeObject, PublicationObject } from './types';

const summary = (objects: KubeObject[]) =>
  objects.map(o => `${o.apiVersion} ${o.kind} ${o.metadata.name}`);
const byKind = <K extends PublicationObject['kind']>(
  objects: PublicationObject[],
  kind: K,
) =>
  objects.find(
    (o): o is Extract<PublicationObject, { kind: K }> => o.kind === kind,
  )!;

describe('buildPublicationObjects', () => {
  it.each([
    [
      'v1 (sklearn)',
      v1Input,
      [
        'v1 Secret sklearn-iris-mp-keys',
        'gateway.envoyproxy.io/v1alpha1 SecurityPolicy sklearn-iris-mp',
        'gateway.envoyproxy.io/v1alpha1 BackendTrafficPolicy sklearn-iris-mp',
        'gateway.networking.k8s.io/v1 HTTPRoute sklearn-iris-mp',
      ],
    ],
    [
      'v2 (xgboost)',
      v2Input,
      [
        'v1 Secret xgboost-iris-mp-keys',
        'gateway.envoyproxy.io/v1alpha1 SecurityPolicy xgboost-iris-mp',
        'gateway.envoyproxy.io/v1alpha1 BackendTrafficPolicy xgboost-iris-mp',
        'gateway.networking.k8s.io/v1 HTTPRoute xgboost-iris-mp',
      ],
    ],
    [
      'openai (vLLM)',
      vllmInput,
      [
        'v1 Secret vllm-qwen-mp-keys',
        'gateway.envoyproxy.io/v1alpha1 Backend vllm-qwen-mp',
        'aigateway.envoyproxy.io/v1beta1 AIServiceBackend vllm-qwen-mp',
        'gateway.envoyproxy.io/v1alpha1 SecurityPolicy vllm-qwen-mp',
        'gateway.envoyproxy.io/v1alpha1 BackendTrafficPolicy vllm-qwen-mp',
        'aigateway.envoyproxy.io/v1beta1 AIGatewayRoute vllm-qwen-mp',
      ],
    ],
  ])(
    '%s: exactly the design objects, in apply order (route last)',
    (_c, make, expected) => {
      const built = make();
      const objects = buildPublicationObjects(built);
      expect(summary(objects)).toEqual(expected);
      for (const o of objects) {
        expect(o.metadata.namespace).toBe('models');
        expect(o.metadata.labels).toEqual({
          'app.kubernetes.io/managed-by': 'backstage-model-publishing',
          'model-publishing/publication': 'pub-0001',
        });
        expect(o.metadata.ownerReferences).toEqual([
          {
            apiVersion: 'serving.kserve.io/v1beta1',
            kind: 'InferenceService',
            name: built.isvc.metadata.name,
            uid: built.isvc.metadata.uid,
            blockOwnerDeletion: false,
          },
        ]);
        // KServe's own routes are `<isvc>` and `<isvc>-predictor`: never ours.
        expect([
          built.isvc.metadata.name,
          `${built.isvc.metadata.name}-predictor`,
        ]).not.toContain(o.metadata.name);
      }
    },
  );

  it('v1: HTTPRoute publishes /models/<ns>/<isvc> rewritten to / on the predictor Service', () => {
    const route = byKind(buildPublicationObjects(v1Input()), 'HTTPRoute');
    expect(route.spec).toEqual({
      parentRefs: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: 'models-gateway',
          namespace: 'envoy-gateway-system',
          sectionName: 'https',
        },
      ],
      rules: [
        {
          matches: [
            {
              path: {
                type: 'PathPrefix',
                value: '/models/models/sklearn-iris',
              },
            },
          ],
          filters: [
            {
              type: 'URLRewrite',
              urlRewrite: {
                path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' },
              },
            },
          ],
          backendRefs: [
            {
              group: '',
              kind: 'Service',
              name: 'sklearn-iris-predictor',
              port: 80,
            },
          ],
        },
      ],
    });
  });

  it('routes through the transformer when there is one', () => {
    const route = byKind(
      buildPublicationObjects(input(isvcs.transformerSklearn)),
      'HTTPRoute',
    );
    expect(route.spec.rules?.[0].backendRefs?.[0].name).toBe(
      'sklearn-with-transformer-transformer',
    );
  });

  it('SecurityPolicy: api keys from Authorization (Bearer) and x-api-key, client id forwarded, key stripped', () => {
    for (const make of [v1Input, vllmInput]) {
      const built = make();
      const name = `${built.isvc.metadata.name}-mp`;
      const sp = byKind(buildPublicationObjects(built), 'SecurityPolicy');
      expect(sp.spec).toEqual({
        targetRefs: [
          { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name },
        ],
        apiKeyAuth: {
          credentialRefs: [
            {
              group: '',
              kind: 'Secret',
              name: `${built.isvc.metadata.name}-mp-keys`,
            },
          ],
          extractFrom: [{ headers: ['authorization', 'x-api-key'] }],
          forwardClientIDHeader: 'x-client-id',
          sanitize: true,
        },
      });
    }
  });

  it('openai: Backend to the predictor FQDN, AIServiceBackend with the server prefix, own hostname and model match', () => {
    const objects = buildPublicationObjects(hfInput());
    expect(byKind(objects, 'Backend').spec).toEqual({
      endpoints: [
        {
          fqdn: {
            hostname: 'huggingface-llama3-predictor.models.svc.cluster.local',
            port: 80,
          },
        },
      ],
    });
    expect(byKind(objects, 'AIServiceBackend').spec).toEqual({
      schema: { name: 'OpenAI', prefix: '/openai/v1' },
      backendRef: {
        group: 'gateway.envoyproxy.io',
        kind: 'Backend',
        name: 'huggingface-llama3-mp',
      },
    });
    const route = byKind(objects, 'AIGatewayRoute');
    expect(route.spec.hostnames).toEqual([
      'huggingface-llama3-models.llm.example.com',
    ]);
    // Served name, InferenceService name and Hugging Face id all route (envoyproxy/ai-gateway#1485,
    // #1944); the body's model is rewritten to the served name.
    const match = (value: string) => ({
      headers: [{ type: 'Exact', name: 'x-ai-eg-model', value }],
    });
    expect(route.spec.rules).toEqual([
      {
        matches: [
          match('llama3'),
          match('huggingface-llama3'),
          match('meta-llama/meta-llama-3-8b-instruct'),
        ],
        backendRefs: [
          { name: 'huggingface-llama3-mp', modelNameOverride: 'llama3' },
        ],
      },
    ]);
    expect(route.spec.llmRequestCosts).toEqual([
      { metadataKey: 'llm_input_token', type: 'InputToken' },
      { metadataKey: 'llm_output_token', type: 'OutputToken' },
      { metadataKey: 'llm_total_token', type: 'TotalToken' },
    ]);
    expect(
      byKind(buildPublicationObjects(vllmInput()), 'AIServiceBackend').spec
        .schema.prefix,
    ).toBe('/v1');
  });

  it('deprecation headers: the HTTPRoute sets them; an LLM gets an EnvoyExtensionPolicy on the generated HTTPRoute', () => {
    const responseHeaders = [
      { name: 'Deprecation', value: '@1796083200' },
      { name: 'Sunset', value: 'Sat, 01 Jan 2028 00:00:00 GMT' },
    ];
    const route = byKind(
      buildPublicationObjects({ ...v1Input(), responseHeaders }),
      'HTTPRoute',
    );
    expect(route.spec.rules?.[0].filters?.[1]).toEqual({
      type: 'ResponseHeaderModifier',
      responseHeaderModifier: { set: responseHeaders },
    });

    expect(buildPublicationObjects(vllmInput()).map(o => o.kind)).not.toContain(
      'EnvoyExtensionPolicy',
    );
    const llm = buildPublicationObjects({ ...vllmInput(), responseHeaders });
    // A policy like the others: before the route, which stays last.
    expect(llm.map(o => o.kind).slice(-2)).toEqual([
      'EnvoyExtensionPolicy',
      'AIGatewayRoute',
    ]);
    const eep = byKind(llm, 'EnvoyExtensionPolicy');
    const routeName = byKind(llm, 'AIGatewayRoute').metadata.name;
    expect(eep.metadata.name).toBe(routeName);
    expect(eep.spec.targetRefs).toEqual([
      {
        group: 'gateway.networking.k8s.io',
        kind: 'HTTPRoute',
        name: routeName,
      },
    ]);
    expect(eep.spec.lua).toEqual([
      {
        type: 'Inline',
        inline: expect.stringContaining('function envoy_on_response'),
        filterContext: {
          name1: 'Deprecation',
          value1: '@1796083200',
          name2: 'Sunset',
          value2: 'Sat, 01 Jan 2028 00:00:00 GMT',
        },
      },
    ]);
  });

  it('uses config.hostname over the template', () => {
    const route = byKind(
      buildPublicationObjects(
        input(isvcs.vllm, { config: { hostname: 'qwen.ai.example.com' } }),
      ),
      'AIGatewayRoute',
    );
    expect(route.spec.hostnames).toEqual(['qwen.ai.example.com']);
  });

  it('refuses a template that yields an invalid hostname, naming the field', () => {
    const bad = input(isvcs.vllm, {
      gateway: {
        ...gateway,
        llmHostnameTemplate: '{name}_{namespace}.example.com',
      },
    });
    expect(() => buildPublicationObjects(bad)).toThrow(
      /^hostname: .*vllm-qwen_models.example.com/,
    );
  });

  it('refuses kinds that cannot be published and objects without uid', () => {
    expect(() =>
      buildPublicationObjects({
        ...v1Input(),
        detection: { kind: 'grpc' as any },
      }),
    ).toThrow(InputError);
    const noUid = v1Input();
    noUid.isvc = {
      ...noUid.isvc,
      metadata: { ...noUid.isvc.metadata, uid: undefined },
    };
    expect(() => buildPublicationObjects(noUid)).toThrow(/isvc.metadata.uid/);
    expect(() =>
      buildPublicationObjects({ ...v1Input(), publicationId: 'not a label!' }),
    ).toThrow(/publicationId/);
  });
});

describe('publicationEndpoints', () => {
  it.each([
    [
      'v1',
      v1Input,
      [
        'https://models.example.com/models/models/sklearn-iris',
        'https://models.example.com/models/models/sklearn-iris/v1/models/sklearn-iris:predict',
      ],
    ],
    [
      'v2',
      v2Input,
      [
        'https://models.example.com/models/models/xgboost-iris',
        'https://models.example.com/models/models/xgboost-iris/v2/models/xgboost-iris/infer',
      ],
    ],
    [
      'openai',
      vllmInput,
      [
        'https://vllm-qwen-models.llm.example.com/v1',
        'https://vllm-qwen-models.llm.example.com/v1/chat/completions',
      ],
    ],
  ] as const)(
    '%s: base URL first, then the main operation',
    (_k, make, urls) => {
      const endpoints = publicationEndpoints(make());
      expect(endpoints.slice(0, 2).map(e => e.url)).toEqual(urls);
      for (const e of endpoints) expect(e.description).toBeTruthy();
    },
  );

  it('keeps the port of the public base URL and a configured hostname', () => {
    const built: BuildInput = {
      ...v1Input(),
      gateway: { ...gateway, publicBaseUrl: 'http://localhost:8080/' },
    };
    expect(publicationEndpoints(built)[0].url).toBe(
      'http://localhost:8080/models/models/sklearn-iris',
    );
    const host = input(isvcs.sklearnV1, {
      config: { hostname: 'iris.example.com' },
    });
    expect(publicationEndpoints(host)[0].url).toBe(
      'https://iris.example.com/models/models/sklearn-iris',
    );
    expect(() =>
      publicationEndpoints({
        ...v1Input(),
        gateway: { ...gateway, publicBaseUrl: 'models' },
      }),
    ).toThrow(/gateway.publicBaseUrl/);
  });

  it('reaches an LLM hostname through llmBaseUrlTemplate when set (the local gateway path form)', () => {
    const built: BuildInput = {
      ...vllmInput(),
      gateway: {
        ...gateway,
        llmBaseUrlTemplate: 'http://localhost:8080/_host/{hostname}',
      },
    };
    expect(
      publicationEndpoints(built)
        .slice(0, 2)
        .map(e => e.url),
    ).toEqual([
      'http://localhost:8080/_host/vllm-qwen-models.llm.example.com/v1',
      'http://localhost:8080/_host/vllm-qwen-models.llm.example.com/v1/chat/completions',
    ]);
    // The route keeps the hostname itself: the gateway selects it by that name.
    expect(
      buildPublicationObjects(built).find(o => o.kind === 'AIGatewayRoute')
        ?.spec.hostnames,
    ).toEqual(['vllm-qwen-models.llm.example.com']);
  });
});
