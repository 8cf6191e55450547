import { createSchemaValidator, loadCrdMatrix } from '@model-publishing/kube-emulator';
import { buildPublicationObjects } from './buildPublicationObjects';
import { gateway, v1Input, vllmInput } from './__testUtils__/inputs';
import { reviewGatewayPolicies } from './gatewayPolicies';
import type { KubeObject } from './types';

/**
 * Envoy Gateway (v1.8.1 / v1.9.0, internal/gatewayapi/securitypolicy.go, backendtrafficpolicy.go):
 * the most specific SecurityPolicy / BackendTrafficPolicy of a route wins, so a route-level policy
 * silently replaces the Gateway's unless it sets mergeType; two route-level policies conflict.
 */
const policy = (kind: string, namespace: string, name: string, target: Record<string, string>, spec: object = {}, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'gateway.envoyproxy.io/v1alpha1',
  kind,
  metadata: { name, namespace, ...(labels ? { labels } : {}) },
  spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', ...target }], ...spec },
});

describe('reviewGatewayPolicies: policies around the publication route', () => {
  const built = buildPublicationObjects(v1Input());
  const ours = built.filter(o => o.kind === 'SecurityPolicy' || o.kind === 'BackendTrafficPolicy');
  const base = { namespace: 'models', isvcName: 'sklearn-iris', publicationId: 'pub-0001', gateway, ours };

  it('merges with Gateway-level policies and says what applies and what ours sets too', () => {
    const review = reviewGatewayPolicies({
      ...base,
      policies: [
        policy('SecurityPolicy', 'envoy-gateway-system', 'gw-cors', { kind: 'Gateway', name: 'models-gateway' }, { cors: { allowOrigins: ['https://app.example.com'] } }),
        policy('BackendTrafficPolicy', 'envoy-gateway-system', 'gw-timeouts', { kind: 'Gateway', name: 'models-gateway', sectionName: 'https' }, { timeout: { http: { requestTimeout: '30s' } }, rateLimit: { global: { rules: [{ limit: { requests: 1000, unit: 'Second' } }] } } }),
        // Another Gateway's policy, and another listener's: not ours to consider.
        policy('SecurityPolicy', 'envoy-gateway-system', 'other-gw', { kind: 'Gateway', name: 'internal-gateway' }, { cors: {} }),
        policy('BackendTrafficPolicy', 'envoy-gateway-system', 'http-listener', { kind: 'Gateway', name: 'models-gateway', sectionName: 'http' }, { timeout: {} }),
      ],
    });
    expect(review.mergeWithGateway).toEqual({ SecurityPolicy: true, BackendTrafficPolicy: true });
    expect(review.notes).toEqual([
      expect.stringMatching(/^SecurityPolicy envoy-gateway-system\/gw-cors targets the Gateway: merged .* applies as it is: cors; set by both .*: nothing$/),
      expect.stringMatching(/^BackendTrafficPolicy envoy-gateway-system\/gw-timeouts targets the Gateway listener https: merged .* applies as it is: timeout; set by both .*: rateLimit$/),
    ]);
    // The route policies then carry mergeType, and pass the CRDs of every supported version.
    const merged = buildPublicationObjects({ ...v1Input(), mergeWithGateway: review.mergeWithGateway });
    const rows = loadCrdMatrix().map(r => createSchemaValidator(r.crds));
    for (const o of merged.filter(x => x.kind.endsWith('Policy'))) {
      expect('spec' in o && o.spec).toMatchObject({ mergeType: 'StrategicMerge' });
      for (const v of rows) expect(v.validate(o).errors).toEqual([]);
    }
  });

  it('refuses a foreign policy that already targets our route, naming it and why', () => {
    expect(() =>
      reviewGatewayPolicies({
        ...base,
        policies: [policy('BackendTrafficPolicy', 'models', 'team-limits', { kind: 'HTTPRoute', name: 'sklearn-iris-mp' }, { timeout: {} })],
      }),
    ).toThrow(
      /BackendTrafficPolicy models\/team-limits already targets HTTPRoute models\/sklearn-iris-mp, the route this publication creates, and is not managed by it: Envoy Gateway applies one BackendTrafficPolicy per route/,
    );
  });

  it("ignores the publication's own policies, and leaves the route policies unmerged when the Gateway has none", () => {
    const llm = buildPublicationObjects(vllmInput()).filter(o => o.kind.endsWith('Policy'));
    const review = reviewGatewayPolicies({ ...base, isvcName: 'vllm-qwen', ours: llm, policies: llm });
    expect(review).toEqual({ mergeWithGateway: {}, notes: [] });
    expect(llm.every(o => 'spec' in o && (o.spec as { mergeType?: string }).mergeType === undefined)).toBe(true);
  });
});
