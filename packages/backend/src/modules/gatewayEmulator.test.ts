import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { startEmulator } from '@model-publishing/kube-emulator';
import express from 'express';
import { createServer } from 'node:net';
import gatewayEmulator from './gatewayEmulator';

jest.setTimeout(60_000);

function freePort(): Promise<number> {
  return new Promise(resolve => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('gateway-emulator plugin (embedded portal)', () => {
  it('serves a published route of the embedded cluster and ships its access logs to /usage/ingest as plugin:gateway-emulator', async () => {
    const emu = await startEmulator({ port: 0 });
    const kc = new KubeConfig();
    kc.loadFromString(emu.kubeconfigYaml);
    const ns = 'fraud-detection';
    await kc
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: ns } } });
    await kc.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: { name: 'fraud-sklearn-mp-keys' },
        stringData: { 'key-1': 'mpk_demo' },
      },
    });
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      group: 'gateway.envoyproxy.io',
      version: 'v1alpha1',
      namespace: ns,
      plural: 'securitypolicies',
      body: {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'SecurityPolicy',
        metadata: { name: 'fraud-sklearn-mp' },
        spec: {
          targetRefs: [
            {
              group: 'gateway.networking.k8s.io',
              kind: 'HTTPRoute',
              name: 'fraud-sklearn-mp',
            },
          ],
          apiKeyAuth: {
            credentialRefs: [
              { group: '', kind: 'Secret', name: 'fraud-sklearn-mp-keys' },
            ],
            extractFrom: [{ headers: ['authorization', 'x-api-key'] }],
            forwardClientIDHeader: 'x-client-id',
            sanitize: true,
          },
        },
      },
    });
    await custom.createNamespacedCustomObject({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      namespace: ns,
      plural: 'httproutes',
      body: {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'fraud-sklearn-mp' },
        spec: {
          parentRefs: [
            { name: 'public-gateway', namespace: 'envoy-gateway-system' },
          ],
          rules: [
            {
              matches: [
                {
                  path: {
                    type: 'PathPrefix',
                    value: `/models/${ns}/fraud-sklearn`,
                  },
                },
              ],
              filters: [
                {
                  type: 'URLRewrite',
                  urlRewrite: {
                    path: {
                      type: 'ReplacePrefixMatch',
                      replacePrefixMatch: '/',
                    },
                  },
                },
              ],
              backendRefs: [{ name: 'fraud-sklearn-predictor', port: 80 }],
            },
          ],
        },
      },
    });

    // Stands in for model-publishing's ingest route: records who called and what.
    const ingested: { subject: string; lines: any[] }[] = [];
    const ingest = createBackendPlugin({
      pluginId: 'model-publishing',
      register(env) {
        env.registerInit({
          deps: {
            router: coreServices.httpRouter,
            httpAuth: coreServices.httpAuth,
          },
          async init({ router, httpAuth }) {
            const r = express.Router();
            r.post(
              '/usage/ingest',
              express.text({ type: 'application/x-ndjson' }),
              async (req, res) => {
                const credentials = await httpAuth.credentials(req, {
                  allow: ['service'],
                });
                ingested.push({
                  subject: credentials.principal.subject,
                  lines: String(req.body)
                    .split('\n')
                    .map(l => JSON.parse(l)),
                });
                res.json({});
              },
            );
            router.use(r);
          },
        });
      },
    });

    const gatewayPort = await freePort();
    const backend = await startTestBackend({
      features: [
        gatewayEmulator,
        ingest,
        mockServices.rootConfig.factory({
          data: {
            kubeEmulator: { port: Number(new URL(emu.url).port) },
            gatewayEmulator: {
              port: gatewayPort,
              latencyScale: 0,
              accessLog: { shipEverySeconds: 0.2 },
              traffic: { enabled: false },
            },
          },
        }),
      ],
    });
    try {
      const url = `http://127.0.0.1:${gatewayPort}/models/${ns}/fraud-sklearn/v1/models/fraud-sklearn:predict`;
      const predict = (headers: Record<string, string>) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ instances: [[1, 2, 3]] }),
        });
      let ok = await predict({ authorization: 'Bearer mpk_demo' });
      for (let i = 0; ok.status !== 200 && i < 100; i++) {
        await new Promise(r => setTimeout(r, 50)); // the watch delivers the route
        ok = await predict({ authorization: 'Bearer mpk_demo' });
      }
      expect(ok.status).toBe(200);
      expect((await ok.json()).predictions).toHaveLength(1);
      expect((await predict({})).status).toBe(401);

      for (
        let i = 0;
        ingested.flatMap(b => b.lines).length < 2 && i < 100;
        i++
      ) {
        await new Promise(r => setTimeout(r, 50));
      }
      expect(ingested[0].subject).toBe('plugin:gateway-emulator');
      const lines = ingested
        .flatMap(b => b.lines)
        .filter(l => l.response_code !== 404);
      expect(lines.slice(-2)).toEqual([
        expect.objectContaining({
          response_code: 200,
          client_id: 'key-1',
          route_name: `httproute/${ns}/fraud-sklearn-mp/rule/0/match/0/*`,
        }),
        expect.objectContaining({ response_code: 401, client_id: null }),
      ]);
    } finally {
      await backend.stop();
      await emu.close();
    }
  });
});
