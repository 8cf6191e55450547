import { crdFromObject, loadCrds } from '../crds';
import { createSchemaValidator } from './validator';

const crds = loadCrds();
const validator = createSchemaValidator(crds);

function httpRoute(): any {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'fraud-sklearn', namespace: 'fraud-detection' },
    spec: {
      parentRefs: [
        {
          name: 'public-gateway',
          namespace: 'envoy-gateway-system',
          sectionName: 'https',
        },
      ],
      hostnames: ['models.example.com'],
      rules: [
        {
          matches: [
            {
              path: {
                type: 'PathPrefix',
                value: '/fraud-detection/fraud-sklearn',
              },
            },
          ],
          backendRefs: [{ name: 'fraud-sklearn-predictor', port: 80 }],
        },
      ],
    },
  };
}

describe('loadCrds', () => {
  it('loads the 19 shipped CRDs', () => {
    expect(crds.map(c => `${c.names.plural}.${c.group}`).sort()).toEqual(
      [
        'aigatewayroutes.aigateway.envoyproxy.io',
        'aiservicebackends.aigateway.envoyproxy.io',
        'backends.gateway.envoyproxy.io',
        'backendsecuritypolicies.aigateway.envoyproxy.io',
        'backendtrafficpolicies.gateway.envoyproxy.io',
        'clusterservingruntimes.serving.kserve.io',
        'envoyextensionpolicies.gateway.envoyproxy.io',
        'gatewayconfigs.aigateway.envoyproxy.io',
        'gatewayclasses.gateway.networking.k8s.io',
        'gateways.gateway.networking.k8s.io',
        'httproutefilters.gateway.envoyproxy.io',
        'httproutes.gateway.networking.k8s.io',
        'inferencepools.inference.networking.k8s.io',
        'inferenceservices.serving.kserve.io',
        'llminferenceservices.serving.kserve.io',
        'quotapolicies.aigateway.envoyproxy.io',
        'referencegrants.gateway.networking.k8s.io',
        'securitypolicies.gateway.envoyproxy.io',
        'servingruntimes.serving.kserve.io',
      ].sort(),
    );
  });
});

describe('createSchemaValidator', () => {
  it('accepts a valid HTTPRoute and applies schema defaults', () => {
    const r = validator.validate(httpRoute());
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.object.spec.parentRefs[0]).toMatchObject({
      group: 'gateway.networking.k8s.io',
      kind: 'Gateway',
    });
    expect(r.object.spec.rules[0].backendRefs[0]).toMatchObject({
      kind: 'Service',
      weight: 1,
    });
  });

  it('refuses a field of the wrong type, naming the field', () => {
    const o = httpRoute();
    o.spec.rules[0].backendRefs[0].port = 'eighty';
    const r = validator.validate(o);
    expect(r.valid).toBe(false);
    expect(r.errors).toContainEqual(
      expect.objectContaining({
        field: 'spec.rules[0].backendRefs[0].port',
        reason: 'FieldValueTypeInvalid',
      }),
    );
  });

  it('refuses a bad enum value, naming the field and the supported values', () => {
    const o = httpRoute();
    o.spec.rules[0].matches[0].path.type = 'Prefix';
    const r = validator.validate(o);
    expect(r.errors).toContainEqual({
      field: 'spec.rules[0].matches[0].path.type',
      reason: 'FieldValueNotSupported',
      message:
        'Unsupported value: "Prefix": supported values: "Exact", "PathPrefix", "RegularExpression"',
    });
  });

  it('refuses a missing required field', () => {
    const o = httpRoute();
    delete o.spec.parentRefs[0].name;
    const r = validator.validate(o);
    expect(r.errors).toContainEqual({
      field: 'spec.parentRefs[0].name',
      reason: 'FieldValueRequired',
      message: 'Required value',
    });
  });

  it('evaluates CEL rules with self bound (path must start with / for PathPrefix)', () => {
    const o = httpRoute();
    o.spec.rules[0].matches[0].path.value = 'no-slash';
    const r = validator.validate(o);
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([
      expect.objectContaining({
        field: 'spec.rules[0].matches[0].path',
        message: expect.stringContaining('must be an absolute path'),
      }),
    ]);
  });

  it('CEL rules see defaults (a match without a path gets the default PathPrefix "/")', () => {
    const o = httpRoute();
    o.spec.rules[0].matches = [{ headers: [{ name: 'x-a', value: 'b' }] }];
    const r = validator.validate(o);
    expect(r.errors).toEqual([]);
    expect(r.object.spec.rules[0].matches[0].path).toEqual({
      type: 'PathPrefix',
      value: '/',
    });
  });

  it('reports unknown fields by default and prunes them on request', () => {
    const o = httpRoute();
    o.spec.rules[0].backendRef = { name: 'typo' };
    expect(validator.validate(o).errors).toEqual([
      {
        field: 'spec.rules[0].backendRef',
        reason: 'FieldValueNotFound',
        message: 'unknown field "spec.rules[0].backendRef"',
      },
    ]);
    const pruned = validator.validate(o, { unknownFields: 'prune' });
    expect(pruned.valid).toBe(true);
    expect(pruned.object.spec.rules[0].backendRef).toBeUndefined();
    expect(pruned.unknownFields).toEqual(['spec.rules[0].backendRef']);
  });

  it('handles int-or-string and preserve-unknown-fields', () => {
    const btp = {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name: 'p', namespace: 'n' },
      spec: {
        targetRefs: [
          { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'r' },
        ],
        rateLimit: {
          type: 'Global',
          global: { rules: [{ limit: { requests: 10, unit: 'Minute' } }] },
        },
      },
    };
    expect(validator.validate(btp).errors).toEqual([]);
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc', namespace: 'n' },
      spec: {
        ports: [
          { port: 80, targetPort: 'http' },
          { port: 81, targetPort: 8081 },
        ],
        anything: { kept: true },
      },
    };
    const r = validator.validate(svc);
    expect(r.errors).toEqual([]);
    expect(r.object.spec.anything).toEqual({ kept: true });
    expect(
      validator.validate({
        ...svc,
        spec: { ports: [{ port: 80, targetPort: true }] },
      }).errors,
    ).toEqual([
      expect.objectContaining({
        field: 'spec.ports[0].targetPort',
        reason: 'FieldValueTypeInvalid',
      }),
    ]);
  });

  it('accepts a KServe InferenceService and refuses a bad one', () => {
    const isvc = {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'fraud-sklearn', namespace: 'fraud-detection' },
      spec: {
        predictor: {
          model: {
            modelFormat: { name: 'sklearn' },
            storageUri: 'gs://bucket/model',
          },
        },
      },
    };
    expect(validator.validate(isvc).errors).toEqual([]);
    const bad = { ...isvc, spec: { predictor: { minReplicas: 'two' } } };
    expect(validator.validate(bad).errors).toContainEqual(
      expect.objectContaining({
        field: 'spec.predictor.minReplicas',
        reason: 'FieldValueTypeInvalid',
      }),
    );
  });

  it('validates metadata like the API server', () => {
    const o = httpRoute();
    o.metadata.name = 'Bad_Name';
    o.metadata.labels = { 'ok/label': 'not ok!' };
    const fields = validator.validate(o).errors.map(e => e.field);
    expect(fields).toEqual(['metadata.name', 'metadata.labels']);
  });

  it('refuses kinds it does not know', () => {
    expect(
      validator.validate({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoot',
        metadata: { name: 'x' },
      }).errors,
    ).toEqual([
      expect.objectContaining({
        field: 'kind',
        reason: 'FieldValueNotSupported',
      }),
    ]);
  });

  it('binds oldSelf for transition rules on update', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: {
                      size: {
                        type: 'integer',
                        'x-kubernetes-validations': [
                          {
                            rule: 'self >= oldSelf',
                            message: 'size may not shrink',
                          },
                        ],
                      },
                      broken: {
                        type: 'string',
                        'x-kubernetes-validations': [{ rule: 'self.(' }],
                      },
                      note: { type: 'string', nullable: true },
                      label: { type: 'string' },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    };
    const v = createSchemaValidator([crdFromObject(crd)]);
    const w = (size: number) => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size, broken: 'x' },
    });
    expect(v.validate(w(1)).valid).toBe(true);
    expect(v.validate(w(3), { oldObject: w(2) }).valid).toBe(true);
    expect(v.validate(w(1), { oldObject: w(2) }).errors).toEqual([
      {
        field: 'spec.size',
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "integer": size may not shrink',
      },
    ]);
    // nullable fields accept null; others do not.
    expect(v.validate({ ...w(1), spec: { size: 1, note: null } }).valid).toBe(
      true,
    );
    // A type error blocks the CEL rules, which are then reported as not checked (strategy.go hasBlockingErr).
    expect(
      v.validate({ ...w(1), spec: { size: 1, label: null } }).errors,
    ).toEqual([
      expect.objectContaining({
        field: 'spec.label',
        reason: 'FieldValueTypeInvalid',
      }),
      expect.objectContaining({
        field: '<nil>',
        message: expect.stringMatching(
          /some validation rules were not checked/,
        ),
      }),
    ]);
    // The rule that cannot compile is skipped (and counted), not enforced.
    expect(v.celStats().skipped).toBe(1);
    expect(v.celStats().skippedRules).toEqual(['self.(']);
  });

  it('compiles every CEL rule in the shipped CRDs (skipped count is tracked)', () => {
    const v = createSchemaValidator(crds);
    v.precompileAll();
    const stats = v.celStats();
    expect(stats.rules).toBeGreaterThan(200);
    // If an upgrade brings a rule our CEL environment cannot compile, this tells us which.
    expect(stats.skippedRules).toEqual([]);
    expect(stats.skipped).toBe(0);
  });
});
