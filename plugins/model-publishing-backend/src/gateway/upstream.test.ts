import * as isvcs from '../models/__testUtils__/inferenceServices';
import { buildPublicationObjects } from './buildPublicationObjects';
import { input } from './__testUtils__/inputs';
import {
  llmWithScheduler,
  plainFacts,
  serverlessDefaultConfig,
  serverlessSklearn,
  serverlessVllmByDefault,
  tlsFacts,
} from './__testUtils__/kserveModes';
import { childName, deploymentMode, resolveUpstream } from './upstream';

const byKind = (objects: { kind: string }[], kind: string): any =>
  objects.find(o => o.kind === kind);

describe('LLMInferenceService: scheduler and TLS (kserve v0.20 pkg/controller/v1alpha2/llmisvc)', () => {
  it('with a scheduler and plain HTTP, the AIGatewayRoute targets its InferencePool (status.router.scheduler)', () => {
    const objects = buildPublicationObjects({
      ...input(llmWithScheduler()),
      serving: plainFacts(),
    });
    expect(objects.map(o => o.kind)).toEqual([
      'Secret',
      'SecurityPolicy',
      'BackendTrafficPolicy',
      'AIGatewayRoute',
    ]);
    expect(byKind(objects, 'AIGatewayRoute').spec.rules[0].backendRefs).toEqual(
      [
        {
          group: 'inference.networking.k8s.io',
          kind: 'InferencePool',
          name: 'qwen-llmd-inference-pool',
          modelNameOverride: 'Qwen/Qwen2.5-7B-Instruct',
        },
      ],
    );
  });

  it('without status, the pool is the one spec.router.scheduler implies (SchedulerSpec.InferencePoolName)', () => {
    const llm = llmWithScheduler();
    delete llm.status.router;
    expect(resolveUpstream(llm, plainFacts()).upstream).toEqual({
      type: 'InferencePool',
      name: 'qwen-llmd-inference-pool',
    });
    llm.spec.router.scheduler = { pool: { ref: { name: 'shared-pool' } } };
    expect(resolveUpstream(llm, plainFacts()).upstream).toEqual({
      type: 'InferencePool',
      name: 'shared-pool',
    });
  });

  it("when the workload speaks TLS (workload.go: port 8000 appProtocol https), the Backend originates TLS with KServe's CA", () => {
    const resolved = resolveUpstream(llmWithScheduler(), tlsFacts());
    expect(resolved.upstream).toEqual({
      type: 'FQDN',
      hostname: 'qwen-llmd-kserve-workload-svc.genai.svc.cluster.local',
      port: 8000,
      tls: {
        caSecret: 'qwen-llmd-kserve-self-signed-certs',
        sni: 'qwen-llmd-kserve-workload-svc.genai.svc.cluster.local',
      },
    });
    // AI Gateway v1.1 builds TLS only for the endpoint picker (internal/extensionserver/inferencepool.go):
    // the dry run says why the scheduler is not used.
    expect(resolved.notes.join('\n')).toMatch(
      /scheduler bypassed: InferencePool qwen-llmd-inference-pool exists .* cannot originate TLS to InferencePool endpoints/,
    );
    const objects = buildPublicationObjects({
      ...input(llmWithScheduler()),
      serving: tlsFacts(),
    });
    expect(byKind(objects, 'Backend').spec).toEqual({
      endpoints: [
        {
          fqdn: {
            hostname: 'qwen-llmd-kserve-workload-svc.genai.svc.cluster.local',
            port: 8000,
          },
        },
      ],
      tls: {
        caCertificateRefs: [
          {
            group: '',
            kind: 'Secret',
            name: 'qwen-llmd-kserve-self-signed-certs',
          },
        ],
        sni: 'qwen-llmd-kserve-workload-svc.genai.svc.cluster.local',
      },
    });
  });

  it("without the Service, KServe's config decides (inferenceservice-config ingress.enableLLMInferenceServiceTLS), then status.addresses", () => {
    const llm = llmWithScheduler();
    const on = {
      inferenceServiceConfig: {
        ingress: '{"enableLLMInferenceServiceTLS": true}',
      },
    };
    expect(resolveUpstream(llm, on).upstream).toMatchObject({
      type: 'FQDN',
      tls: { caSecret: 'qwen-llmd-kserve-self-signed-certs' },
    });
    const noRouter = isvcs.llmInferenceService as any;
    const byStatus = {
      ...noRouter,
      spec: { ...noRouter.spec, router: undefined },
      status: {
        addresses: [
          {
            url: 'https://qwen-llmd-kserve-workload-svc.models.svc.cluster.local',
          },
        ],
      },
    };
    expect(resolveUpstream(byStatus).upstream).toMatchObject({
      type: 'FQDN',
      port: 8000,
      tls: { sni: 'qwen-llmd-kserve-workload-svc.models.svc.cluster.local' },
    });
    const plain = { ...byStatus, status: {} };
    expect(resolveUpstream(plain).upstream).toEqual({
      type: 'FQDN',
      hostname: 'qwen-llmd-kserve-workload-svc.models.svc.cluster.local',
      port: 8000,
    });
  });

  it('names children as knative kmeta.ChildName does (KServe uses it for the workload Service, pool and certs)', () => {
    expect(childName('qwen', '-kserve-workload-svc')).toBe(
      'qwen-kserve-workload-svc',
    );
    const long = 'a-very-long-llm-inference-service-name-for-testing-names';
    const child = childName(long, '-kserve-workload-svc');
    expect(child).toHaveLength(
      31 - '-kserve-workload-svc'.length + 32 + '-kserve-workload-svc'.length,
    );
    expect(child).toMatch(/^a-very-long[0-9a-f]{32}-kserve-workload-svc$/);
  });
});

describe('InferenceService deployment modes (kserve v0.20 utils.go GetDeploymentMode, constants.go)', () => {
  it('takes status.deploymentMode, then the annotation, then the cluster default, legacy names mapped', () => {
    const knative = serverlessSklearn();
    expect(deploymentMode(knative)).toEqual({
      mode: 'Knative',
      from: 'status.deploymentMode',
    });
    delete knative.status.deploymentMode;
    expect(deploymentMode(knative).from).toMatch(/annotation/);
    expect(
      deploymentMode(
        serverlessVllmByDefault(),
        serverlessDefaultConfig().inferenceServiceConfig,
      ),
    ).toEqual({
      mode: 'Knative',
      from: "inferenceservice-config's deploy.defaultDeploymentMode",
    });
    expect(deploymentMode(serverlessVllmByDefault()).mode).toBe('Standard');
    const bogus = {
      ...isvcs.sklearnV1,
      metadata: {
        ...isvcs.sklearnV1.metadata,
        annotations: { 'serving.kserve.io/deploymentMode': 'Fancy' },
      },
    };
    expect(
      deploymentMode(bogus as any, {
        deploy: '{"defaultDeploymentMode":"RawDeployment"}',
      }).mode,
    ).toBe('Standard');
  });

  it('Standard: the HTTPRoute targets the predictor Service on port 80', () => {
    const route = byKind(
      buildPublicationObjects(input(isvcs.sklearnV1)),
      'HTTPRoute',
    );
    expect(route.spec.rules[0].backendRefs).toEqual([
      { group: '', kind: 'Service', name: 'sklearn-iris-predictor', port: 80 },
    ]);
  });

  it('Knative: a Backend with the predictor address, the route rewrites Host to it (EG refuses ExternalName Services)', () => {
    const objects = buildPublicationObjects(input(serverlessSklearn()));
    expect(objects.map(o => o.kind)).toEqual([
      'Secret',
      'Backend',
      'SecurityPolicy',
      'BackendTrafficPolicy',
      'HTTPRoute',
    ]);
    expect(byKind(objects, 'Backend').spec).toEqual({
      endpoints: [
        {
          fqdn: {
            hostname:
              'fraud-knative-predictor.fraud-detection.svc.cluster.local',
            port: 80,
          },
        },
      ],
    });
    const rule = byKind(objects, 'HTTPRoute').spec.rules[0];
    expect(rule.backendRefs).toEqual([
      {
        group: 'gateway.envoyproxy.io',
        kind: 'Backend',
        name: 'fraud-knative-mp',
      },
    ]);
    expect(rule.filters[0].urlRewrite).toEqual({
      hostname: 'fraud-knative-predictor.fraud-detection.svc.cluster.local',
      path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' },
    });
  });

  it('Knative by the cluster default: an LLM goes to a Backend with the predictor address (AI Gateway rewrites Host to it)', () => {
    const objects = buildPublicationObjects({
      ...input(serverlessVllmByDefault()),
      serving: serverlessDefaultConfig(),
    });
    expect(byKind(objects, 'Backend').spec.endpoints).toEqual([
      {
        fqdn: {
          hostname: 'mistral-predictor.genai.svc.cluster.local',
          port: 80,
        },
      },
    ]);
  });

  it('refuses clearly where a mode cannot be served', () => {
    const noAddress = serverlessSklearn();
    delete noAddress.status.components;
    expect(() => resolveUpstream(noAddress)).toThrow(
      /Knative \(Serverless\) mode .* has no predictor address \(status\.components\.predictor\.address\.url\)/,
    );
    const internalTls = serverlessSklearn();
    internalTls.status.components.predictor.address.url =
      'https://fraud-knative-predictor.fraud-detection.svc.cluster.local';
    expect(() => resolveUpstream(internalTls)).toThrow(/system-internal TLS/);
    const mm = { ...isvcs.sklearnV1, status: { deploymentMode: 'ModelMesh' } };
    expect(() => resolveUpstream(mm as any)).toThrow(
      /served by ModelMesh .* Standard \(RawDeployment\) or Knative mode/,
    );
  });
});
