import { mockCredentials } from '@backstage/backend-test-utils';
import {
  DEMO_MODELS,
  NAMESPACE,
  type PluginHarness,
  startPluginHarness,
} from '../__testUtils__/harness';

jest.setTimeout(120_000);

const auth = {
  Authorization: mockCredentials.user.header('user:default/alice'),
};
const MODEL = `/api/model-publishing/models/default/${NAMESPACE}/sklearn-iris`;

/**
 * The whole plugin against the cluster emulator (which validates every object against the upstream CRD
 * schema): deprecating puts the Deprecation/Sunset/Link headers into the HTTPRoute's ResponseHeaderModifier
 * filter, withdrawing takes them out. (packages/gateway-emulator's conformance test serves such a route.)
 */
describe('deprecation through the plugin', () => {
  let h: PluginHarness;
  beforeAll(async () => {
    h = await startPluginHarness();
  });
  afterAll(async () => h?.stop());

  const route = () => {
    const type = (h.emulator.api as any).registry.forKind(
      'gateway.networking.k8s.io/v1',
      'HTTPRoute',
    );
    return h.emulator.api.get(type, NAMESPACE, 'sklearn-iris-mp') as any;
  };

  it('deprecate → the route answers with the headers; bad input 400 naming the field; withdraw → gone', async () => {
    expect(
      (
        await h.request
          .post(`${MODEL}/publication`)
          .set(auth)
          .send({ rateLimits: { requestsPerMinute: 60 } })
      ).status,
    ).toBe(201);
    const sunsetAt = new Date(Date.now() + 30 * 24 * 3600 * 1000);
    sunsetAt.setUTCMilliseconds(0);

    const bad = await h.request
      .put(`${MODEL}/publication/deprecation`)
      .set(auth)
      .send({ sunsetAt: '2020-01-01T00:00:00Z' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^sunsetAt: /);
    const badSuccessor = await h.request
      .put(`${MODEL}/publication/deprecation`)
      .set(auth)
      .send({
        sunsetAt: sunsetAt.toISOString(),
        successor: 'component:default/xgboost-iris',
      });
    expect(badSuccessor.status).toBe(400);
    expect(badSuccessor.body.error.message).toMatch(
      /^successor: .* is not published/,
    );

    const put = await h.request
      .put(`${MODEL}/publication/deprecation`)
      .set(auth)
      .send({
        sunsetAt: sunsetAt.toISOString(),
        message: 'Use v2',
        atSunset: 'stop-new-keys',
      });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      sunsetAt: sunsetAt.toISOString(),
      atSunset: 'stop-new-keys',
      deprecatedBy: 'user:default/alice',
    });
    const filters = route().spec.rules[0].filters;
    expect(filters).toContainEqual({
      type: 'ResponseHeaderModifier',
      responseHeaderModifier: {
        set: [
          { name: 'Deprecation', value: expect.stringMatching(/^@\d+$/) },
          { name: 'Sunset', value: sunsetAt.toUTCString() },
        ],
      },
    });
    const get = await h.request
      .get(`${MODEL}/publication/deprecation`)
      .set(auth);
    expect(get.status).toBe(200);
    expect(get.body.deprecation.headers).toEqual(
      filters.find((f: any) => f.type === 'ResponseHeaderModifier')
        .responseHeaderModifier.set,
    );
    expect(get.body.consumers).toEqual([]);

    h.allowed.delete('model-publishing.publication.update');
    expect(
      (await h.request.delete(`${MODEL}/publication/deprecation`).set(auth))
        .status,
    ).toBe(403);
    h.allowed.add('model-publishing.publication.update');
    expect(
      (await h.request.delete(`${MODEL}/publication/deprecation`).set(auth))
        .status,
    ).toBe(204);
    expect(route().spec.rules[0].filters.map((f: any) => f.type)).toEqual([
      'URLRewrite',
    ]);
    expect(
      (await h.request.get(`${MODEL}/publication/deprecation`).set(auth)).body,
    ).toEqual({ consumers: [] });
  });
  it('an LLM: deprecating adds an EnvoyExtensionPolicy on the HTTPRoute AI Gateway generates; withdrawing deletes it', async () => {
    const llm = DEMO_MODELS.vllm.metadata.name;
    const path = `/api/model-publishing/models/default/${NAMESPACE}/${llm}`;
    expect(
      (
        await h.request
          .post(`${path}/publication`)
          .set(auth)
          .send({ rateLimits: { requestsPerMinute: 60 } })
      ).status,
    ).toBe(201);
    const extensionPolicy = () => {
      const type = (h.emulator.api as any).registry.forKind(
        'gateway.envoyproxy.io/v1alpha1',
        'EnvoyExtensionPolicy',
      );
      try {
        return h.emulator.api.get(type, NAMESPACE, `${llm}-mp`) as any;
      } catch {
        return undefined;
      }
    };
    expect(extensionPolicy()).toBeUndefined();
    const sunsetAt = new Date(Date.now() + 30 * 24 * 3600 * 1000);
    sunsetAt.setUTCMilliseconds(0);
    const put = await h.request
      .put(`${path}/publication/deprecation`)
      .set(auth)
      .send({ sunsetAt: sunsetAt.toISOString() });
    expect(put.status).toBe(200);
    const eep = extensionPolicy();
    expect(eep.metadata.labels).toMatchObject({
      'model-publishing/publication': expect.any(String),
    });
    expect(eep.spec.targetRefs).toEqual([
      {
        group: 'gateway.networking.k8s.io',
        kind: 'HTTPRoute',
        name: `${llm}-mp`,
      },
    ]);
    expect(eep.spec.lua[0].filterContext).toEqual({
      name1: 'Deprecation',
      value1: put.body.headers[0].value,
      name2: 'Sunset',
      value2: sunsetAt.toUTCString(),
    });
    expect(
      (await h.request.delete(`${path}/publication/deprecation`).set(auth))
        .status,
    ).toBe(204);
    expect(extensionPolicy()).toBeUndefined();
  });
});
