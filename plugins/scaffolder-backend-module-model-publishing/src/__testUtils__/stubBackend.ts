import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP stand-in for the model-publishing backend's entity routes (their contract is
 * plugins/model-publishing-backend/src/schema/openapi.yaml). It decides permissions from the caller's
 * token the way the real backend would from its credentials:
 * only the model's owner may write, a token without a user (the scaffolder's own rights) may not.
 * Every response that could carry a key carries one, so tests prove the actions drop it.
 */

export const OWNER = 'user:default/owner';
export const STRANGER = 'user:default/stranger';
/** What a raw key looks like; the stub hands these out and the tests hunt for them. */
export const FAKE_KEY = 'mpk_AbCdEfGhIjKlMnOpQrStUvWxYz012345Zz9Yx8';

export interface StubRequest {
  method: string;
  path: string;
  authorization?: string;
  /** The user the token acts for (`obo`), when the token names one. */
  onBehalfOf?: string;
  body?: any;
}

interface StubModel {
  kind: 'openai' | 'v1';
  owner: string;
  publication?: any;
  /** The Ready condition's message when the model is not Ready. */
  notReady?: string;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'DELETE']);

export async function startStubBackend() {
  const models = new Map<string, StubModel>([
    ['component/default/iris', { kind: 'v1', owner: OWNER }],
    ['component/default/llama', { kind: 'openai', owner: OWNER }],
    [
      'component/default/warming',
      {
        kind: 'v1',
        owner: OWNER,
        notReady: 'RevisionMissing: no revision yet',
      },
    ],
  ]);
  const requests: StubRequest[] = [];
  let nextId = 1;

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', chunk => {
      raw += chunk;
    });
    req.on('end', () => {
      const path = req.url ?? '';
      const authorization = req.headers.authorization;
      const onBehalfOf = userOf(authorization);
      const body = raw ? JSON.parse(raw) : undefined;
      requests.push({
        method: req.method ?? '',
        path,
        authorization,
        onBehalfOf,
        body,
      });

      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const fail = (status: number, name: string, message: string) =>
        send(status, {
          error: { name, message },
          request: { method: req.method, url: path },
          response: { statusCode: status },
        });

      const match =
        /^\/entities\/([^/]+)\/([^/]+)\/([^/]+)(\/publication(\/dry-run|\/access-requests)?)?$/.exec(
          path,
        );
      if (!match) return fail(404, 'NotFoundError', `No route ${path}`);
      const [, kind, namespace, name, publicationPath, suffix] = match;
      const dryRun = suffix === '/dry-run';
      const accessRequests = suffix === '/access-requests';
      const entityRef = `${kind}:${namespace}/${name}`;
      const model = models.get(`${kind}/${namespace}/${name}`);
      if (!model)
        return fail(
          404,
          'NotFoundError',
          `No catalog entity ${entityRef} with an InferenceService`,
        );

      if (!authorization)
        return fail(401, 'AuthenticationError', 'Missing credentials');
      if (req.method === 'POST' && accessRequests) {
        // Anyone signed in may ask; the real backend also checks the consumer against the catalog.
        return send(201, {
          request: {
            id: 'req-1',
            planName: body.plan,
            consumerRef: body.consumer,
            status: body.collectLater ? 'pending' : 'issued',
          },
          ...(body.collectLater ? {} : { issued: { secret: FAKE_KEY } }),
        });
      }
      if (req.method === 'GET' && !publicationPath) {
        return send(200, {
          model: {
            cluster: 'default',
            namespace,
            name,
            ready: !model.notReady,
            ...(model.notReady ? { readyMessage: model.notReady } : {}),
            detection: { kind: model.kind, confidence: 'high' },
          },
          publication: model.publication,
        });
      }
      if (!WRITE_METHODS.has(req.method ?? ''))
        return fail(405, 'Error', 'Method not allowed');
      if (onBehalfOf !== model.owner) {
        return fail(
          403,
          'NotAllowedError',
          `${onBehalfOf ?? 'a service'} is not an owner of ${entityRef}`,
        );
      }

      const config = body ?? {};
      if (req.method !== 'DELETE') {
        if (
          model.kind !== 'openai' &&
          Object.keys(config.rateLimits ?? {}).some(k => k.startsWith('tokens'))
        ) {
          return fail(
            400,
            'InputError',
            'rateLimits.tokensPerMinute: token limits apply to OpenAI-compatible models only',
          );
        }
        if (config.description === 'quote-a-key') {
          // A misbehaving backend that echoes a key in an error: the action must still not show it.
          return fail(
            422,
            'InputError',
            `description: rejected near ${FAKE_KEY}`,
          );
        }
      }
      const live =
        model.publication && model.publication.status !== 'unpublished';

      if (req.method === 'POST' && dryRun) {
        return send(200, {
          objects: [
            {
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: { name: `${name}-mp-keys` },
              stringData: { 'key-1': FAKE_KEY },
            },
            {
              apiVersion: 'gateway.envoyproxy.io/v1alpha1',
              kind: 'SecurityPolicy',
              metadata: { name: `${name}-mp` },
            },
            {
              apiVersion: 'gateway.networking.k8s.io/v1',
              kind: 'HTTPRoute',
              metadata: { name: `${name}-mp` },
            },
          ],
        });
      }
      if (req.method === 'POST') {
        if (live)
          return fail(
            409,
            'ConflictError',
            `${entityRef} is already published`,
          );
        model.publication = {
          id: `pub-${nextId++}`,
          cluster: 'default',
          namespace: 'models',
          name,
          entityRef,
          modelKind: model.kind,
          status: 'published',
          config,
          endpoints: [
            {
              url: `https://models.example.com/models/models/${name}`,
              description: 'predict',
            },
          ],
          objects: [
            {
              apiVersion: 'v1',
              kind: 'Secret',
              namespace: 'models',
              name: `${name}-mp-keys`,
            },
          ],
          createdBy: onBehalfOf,
          createdAt: '2026-11-26T10:00:00Z',
          updatedAt: '2026-11-26T10:00:00Z',
        };
        // Issues a first key whether asked or not, to prove the action never passes it on.
        return send(201, {
          publication: model.publication,
          key: {
            key: { id: 'key-1', name: 'first', prefix: FAKE_KEY.slice(0, 8) },
            secret: FAKE_KEY,
          },
        });
      }
      if (!live)
        return fail(404, 'NotFoundError', `${entityRef} is not published`);
      if (req.method === 'PUT') {
        model.publication = {
          ...model.publication,
          config,
          updatedAt: '2026-11-26T11:00:00Z',
        };
        return send(200, { publication: model.publication });
      }
      model.publication = {
        ...model.publication,
        status: 'unpublished',
        objects: [],
      };
      return send(200, { publication: model.publication });
    });
  });

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Requests that would have changed something (dry runs excluded: they write nothing). */
    writes: () =>
      requests.filter(
        r => WRITE_METHODS.has(r.method) && !r.path.endsWith('/dry-run'),
      ),
    /** Every request as `METHOD path`, in order. */
    calls: () => requests.map(r => `${r.method} ${r.path}`),
    models,
    /** The stored publication of component:default/<name>, as the last write left it. */
    publicationOf: (name: string) =>
      models.get(`component/default/${name}`)!.publication,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

export type StubBackend = Awaited<ReturnType<typeof startStubBackend>>;

/** mockServices.auth() tokens look like `mock-service-token:{"obo":"user:...",...}`. */
function userOf(authorization: string | undefined): string | undefined {
  const token = authorization?.replace(/^Bearer /, '') ?? '';
  const json = token.slice(token.indexOf(':') + 1);
  try {
    return JSON.parse(json).obo;
  } catch {
    return undefined;
  }
}
