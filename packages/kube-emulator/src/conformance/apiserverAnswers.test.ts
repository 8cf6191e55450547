import { CustomObjectsApi, CoreV1Api } from '@kubernetes/client-node';
import { startEmulator, type Emulator } from '..';
import { failure } from './helpers';

/**
 * The emulator answers as kube-apiserver does when an object is wrong in more than one way:
 * - unknown fields under fieldValidation=Strict are a decoding error (400 BadRequest, "strict decoding
 *   error: unknown field …"), found before validation runs, so they are the whole answer;
 * - a blocking schema error (type, required, enum, too long, too many) skips the CEL rules and adds
 *   "some validation rules were not checked …" (apiextensions-apiserver
 *   pkg/registry/customresource/strategy.go hasBlockingErr; kubernetes/kubernetes#108859);
 * - a non-blocking schema error (a pattern) leaves the CEL rules to run and report too.
 */
jest.setTimeout(30000);

describe('kube-emulator answers wrong objects as kube-apiserver does', () => {
  let emu: Emulator;
  let custom: CustomObjectsApi;
  const ns = 'answers';
  const btp = {
    group: 'gateway.envoyproxy.io',
    version: 'v1alpha1',
    namespace: ns,
    plural: 'backendtrafficpolicies',
  };

  beforeAll(async () => {
    emu = await startEmulator();
    custom = emu.kubeConfig.makeApiClient(CustomObjectsApi);
    await emu.kubeConfig
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: ns } } });
  });
  afterAll(() => emu.close());

  /** A local rate-limit rule that charges a response cost: refused by a CEL rule of the v1.9 CRD. */
  const policy = (
    name: string,
    limit: Record<string, unknown> = { requests: 5, unit: 'Minute' },
  ) => ({
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'BackendTrafficPolicy',
    metadata: { name, namespace: ns },
    spec: {
      targetRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'r' },
      ],
      rateLimit: {
        local: {
          rules: [
            {
              limit,
              cost: {
                response: {
                  from: 'Metadata',
                  metadata: {
                    namespace: 'io.envoy.ai_gateway',
                    key: 'llm_total_token',
                  },
                },
              },
            },
          ],
        },
      },
    },
  });

  it('a valid schema lets the CEL rules run and report', async () => {
    const s = await failure(
      custom.createNamespacedCustomObject({ ...btp, body: policy('cel-only') }),
    );
    expect(s.code).toBe(422);
    expect(s.message).toMatch(
      /response cost is not supported for Local Rate Limits/,
    );
    expect(s.message).not.toMatch(/some validation rules were not checked/);
  });

  it('a blocking schema error (enum) skips CEL and says so, as strategy.go does', async () => {
    const s = await failure(
      custom.createNamespacedCustomObject({
        ...btp,
        body: policy('enum', { requests: 5, unit: 'Fortnight' }),
      }),
    );
    expect(s.code).toBe(422);
    const causes = s.details.causes as {
      field: string;
      reason: string;
      message: string;
    }[];
    expect(causes.map(c => c.reason)).toContain('FieldValueNotSupported');
    expect(causes).toContainEqual({
      field: '<nil>',
      reason: 'FieldValueInvalid',
      message:
        'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    });
    expect(s.message).not.toMatch(/response cost is not supported/);
  });

  it('a required field missing is blocking too', async () => {
    const body: any = policy('required');
    delete body.spec.rateLimit.local.rules[0].limit.requests;
    const s = await failure(
      custom.createNamespacedCustomObject({ ...btp, body }),
    );
    expect(s.details.causes.map((c: any) => c.field)).toEqual(
      expect.arrayContaining([
        'spec.rateLimit.local.rules[0].limit.requests',
        '<nil>',
      ]),
    );
    expect(s.message).not.toMatch(/response cost is not supported/);
  });

  it('under Strict, unknown fields are reported alone (400), before any schema error', async () => {
    const body: any = policy('strict', { requests: 5, unit: 'Fortnight' });
    body.spec.surprise = true;
    const s = await failure(
      custom.createNamespacedCustomObject({
        ...btp,
        body,
        fieldValidation: 'Strict',
      }),
    );
    expect(s).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'strict decoding error: unknown field "spec.surprise"',
    });
  });

  it('without Strict, unknown fields are dropped and the schema errors are the answer', async () => {
    const body: any = policy('warn', { requests: 5, unit: 'Fortnight' });
    body.spec.surprise = true;
    const s = await failure(
      custom.createNamespacedCustomObject({ ...btp, body }),
    );
    expect(s.code).toBe(422);
    expect(s.message).not.toMatch(/surprise/);
  });

  it('serves GatewayClass (cluster-scoped) and every AI Gateway kind whose CRD is shipped', async () => {
    const gc = await custom.createClusterCustomObject({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      plural: 'gatewayclasses',
      body: {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'GatewayClass',
        metadata: { name: 'envoy-gateway' },
        spec: {
          controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
        },
      },
    });
    expect(gc.metadata.name).toBe('envoy-gateway');
    for (const [version, plural] of [
      ['v1beta1', 'aigatewayroutes'],
      ['v1beta1', 'aiservicebackends'],
      ['v1beta1', 'backendsecuritypolicies'],
      ['v1beta1', 'gatewayconfigs'],
      ['v1alpha1', 'quotapolicies'],
    ]) {
      const list = await custom.listNamespacedCustomObject({
        group: 'aigateway.envoyproxy.io',
        version,
        namespace: ns,
        plural,
      });
      expect(list.items).toEqual([]);
    }
  });
});
