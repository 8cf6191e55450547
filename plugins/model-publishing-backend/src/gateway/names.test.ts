import { describeExistingOwner, nameCollision, objectName } from './names';
import type { KubeObject } from './types';

/**
 * A model named `<x>-mp` collides with the publication of `<x>` (issue: names KServe gives its own
 * routes, kserve v0.20 pkg/controller/v1beta1/inferenceservice/reconcilers/ingress/httproute_reconciler.go: HTTPRoutes `<isvc>`
 * and `<isvc>-predictor`; docs/design.md §3 "never reuse them").
 */
const model = (name: string, kind = 'InferenceService'): KubeObject => ({
  apiVersion: kind === 'InferenceService' ? 'serving.kserve.io/v1beta1' : 'serving.kserve.io/v1alpha2',
  kind,
  metadata: { name, namespace: 'models', uid: `uid-${name}` },
});

describe('names of a publication and the models beside it', () => {
  it('refuses to publish <x> when a model named <x>-mp exists, naming it and why', () => {
    expect(objectName('churn')).toBe('churn-mp');
    const message = nameCollision(model('churn'), [model('churn'), model('churn-mp')]);
    expect(message).toBe(
      'InferenceService models/churn-mp exists, and KServe names its routes after it (HTTPRoute churn-mp): that is the name a publication of churn gives its route and policies, so they would attach to the other model\'s route. Rename one of the two models to publish churn',
    );
    expect(nameCollision(model('churn'), [model('churn-mp', 'LLMInferenceService')])).toMatch(/^LLMInferenceService models\/churn-mp exists/);
  });

  it('publishing <x>-mp itself is fine: its objects are <x>-mp-mp', () => {
    expect(nameCollision(model('churn-mp'), [model('churn'), model('churn-mp')])).toBeUndefined();
    expect(objectName('churn-mp')).toBe('churn-mp-mp');
  });

  it("says whose an existing object is: KServe's (the model that owns it), another live publication's, or someone else's", () => {
    const kserveRoute: KubeObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'churn-mp', namespace: 'models', ownerReferences: [{ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', name: 'churn-mp', uid: 'u', controller: true }] },
    };
    expect(describeExistingOwner(kserveRoute)).toBe(
      'it belongs to InferenceService models/churn-mp (KServe names its objects after the model, and churn-mp ends in -mp like the names a publication uses)',
    );
    expect(describeExistingOwner({ ...kserveRoute, metadata: { name: 'churn-mp', namespace: 'models', labels: { 'app.kubernetes.io/managed-by': 'backstage-model-publishing', 'model-publishing/publication': 'p-1' } } })).toBe(
      'it belongs to publication p-1, which is still live',
    );
    expect(describeExistingOwner({ ...kserveRoute, metadata: { name: 'churn-mp', namespace: 'models' } })).toMatch(/not created by model publishing/);
  });
});
