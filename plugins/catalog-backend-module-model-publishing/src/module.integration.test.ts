import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { Emulator, startEmulator } from '@model-publishing/kube-emulator';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import express from 'express';
import { resolve } from 'node:path';
import { catalogModuleModelPublishing } from './module';
import { openapiFor, publication } from './__fixtures__/publications';

jest.setTimeout(120_000);

const SEED = resolve(__dirname, '__fixtures__/cluster');

/** A stand-in for the model-publishing backend that checks the caller is a service, as the real one does. */
function stubModelPublishingBackend(callers: string[]) {
  const pub = publication({
    namespace: 'genai',
    name: 'qwen-chat',
    modelKind: 'openai',
  });
  return createBackendPlugin({
    pluginId: 'model-publishing',
    register(env) {
      env.registerInit({
        deps: {
          router: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ router, httpAuth }) {
          const r = express.Router();
          r.get('/publications', async (req, res) => {
            const credentials = await httpAuth.credentials(req, {
              allow: ['service'],
            });
            callers.push(credentials.principal.subject);
            res.json({ items: [pub] });
          });
          r.get(
            '/models/:cluster/:namespace/:name/publication/guide',
            async (req, res) => {
              await httpAuth.credentials(req, { allow: ['service'] });
              res.json({ markdown: '# Guide', openapi: openapiFor(pub) });
            },
          );
          router.use(r);
        },
      });
    },
  });
}

async function waitFor<T>(
  fn: () => Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise(r => setTimeout(r, 500));
  }
}

describe('catalog with the model-publishing module (real catalog backend, emulator, stub backend)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: SEED });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('ingests the models as Components and the publication as an API the Component provides', async () => {
    const callers: string[] = [];
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleModelPublishing,
        stubModelPublishingBackend(callers),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'https://portal.example.com' },
            techdocs: { builder: 'local' },
            catalog: {
              providers: {
                modelPublishing: {
                  local: {
                    url: emulator.url,
                    schedule: {
                      frequency: { seconds: 2 },
                      timeout: { seconds: 30 },
                    },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    const { port } = server.address() as { port: number };
    const get = async (path: string) => {
      const res = await fetch(`http://localhost:${port}/api/catalog${path}`, {
        headers: { Authorization: mockCredentials.user.header() },
      });
      return res.ok ? res.json() : undefined;
    };

    const component: Entity = await waitFor(async () => {
      const e = await get('/entities/by-name/component/default/qwen-chat');
      return e?.relations?.some((r: any) => r.type === 'providesApi')
        ? e
        : undefined;
    });
    expect(component.spec).toMatchObject({
      type: 'inference-service',
      providesApis: ['qwen-chat-api'],
    });
    // The module plugs in model-publishing-common's detectModelKind.
    expect(component.metadata.annotations).toMatchObject({
      'model-publishing/detected-kind': 'openai',
      'model-publishing/detected-confidence': 'high',
      // published, and the portal has TechDocs: the Docs tab shows the guide the backend publishes
      'backstage.io/techdocs-ref':
        'url:https://portal.example.com/catalog/default/component/qwen-chat/publish',
      'backstage.io/techdocs-builder': 'external',
    });
    expect(component.metadata.tags).toContain('openai');
    expect(component.relations).toEqual(
      expect.arrayContaining([
        { type: 'providesApi', targetRef: 'api:default/qwen-chat-api' },
        { type: 'ownedBy', targetRef: 'group:default/genai-team' },
      ]),
    );

    const api: Entity = await waitFor(() =>
      get('/entities/by-name/api/default/qwen-chat-api'),
    );
    expect(api.spec).toMatchObject({
      type: 'openapi',
      lifecycle: 'production',
      owner: 'genai-team',
    });
    expect(JSON.parse(api.spec!.definition as string).openapi).toBe('3.0.3');

    const all: { items: Entity[] } = await waitFor(async () => {
      const r = await get(
        '/entities/by-query?filter=spec.type=inference-service&limit=100',
      );
      return r?.items?.length === 6 ? r : undefined;
    });
    expect(all.items.map(e => e.metadata.name).sort()).toEqual([
      'fraud-iris',
      'genai-iris',
      'llama-3',
      'qwen-chat',
      'sklearn-iris',
      'xgboost-iris',
    ]);
    // The catalog called the backend as its own service, not as a user.
    expect(callers[0]).toBe('plugin:catalog');
  });
});
