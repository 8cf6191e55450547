import type { IncomingMessage, ServerResponse } from 'node:http';
import { Discovery } from './discovery';
import { StatusError, badRequest, methodNotAllowed } from './errors';
import type { ObjectApi, WriteOptions } from './objects';
import { servePodLog } from './podLogs';
import type { ResourceType } from './resources';
import { serveWatch } from './watch';

const MAX_BODY = 3 * 1024 * 1024;

export interface ResourceRoute {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPrefix: boolean;
}

function notFoundPath(path: string) {
  return new StatusError(404, 'NotFound', `the server could not find the requested resource (${path})`, { causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }] });
}

/** Resolves `/api/v1/...` and `/apis/{group}/{version}/...` resource paths. */
export function resolveResourcePath(api: ObjectApi, segs: string[]): ResourceRoute | undefined {
  let group = '';
  let version: string;
  let rest: string[];
  if (segs[0] === 'api') {
    version = segs[1];
    rest = segs.slice(2);
  } else {
    group = segs[1];
    version = segs[2];
    rest = segs.slice(3);
  }
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  const nsType = (p: string) => api.registry.forPlural(group, version, p);
  if (rest[0] === 'namespaces' && rest.length >= 3 && nsType(rest[2])?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const type = nsType(rest[0] ?? '');
  if (!type || rest.length > 3) return undefined;
  if (namespace === undefined && type.namespaced && rest.length > 1) return undefined;
  return { type, namespace, name: rest[1], subresource: rest[2], watchPrefix };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new StatusError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`the body of the request could not be decoded as JSON: ${(e as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, warnings: string[] = []): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) };
  if (warnings.length) headers.Warning = warnings.map(w => `299 - ${JSON.stringify(w)}`);
  res.writeHead(status, headers);
  res.end(text);
}

/** Routes one request; resolves when the response is complete (or, for watches, once streaming began). */
export async function route(req: IncomingMessage, res: ServerResponse, api: ObjectApi, discovery: Discovery, onWatchEnd: () => void): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const segs = path.split('/').filter(Boolean);
  const method = (req.method ?? 'GET').toUpperCase();
  const q = url.searchParams;

  if (method === 'GET') {
    if (path === '/version') {
      return sendJson(res, 200, { major: '1', minor: '33', gitVersion: 'v1.33.0-kube-emulator', platform: `${process.platform}/${process.arch}` });
    }
    if (['/healthz', '/livez', '/readyz'].includes(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return undefined;
    }
    if (path === '/api') return sendJson(res, 200, discovery.coreVersions(req.headers.host ?? '127.0.0.1'));
    if (path === '/apis') return sendJson(res, 200, discovery.groupList());
    if (segs[0] === 'api' && segs.length === 2) {
      const d = discovery.resourceList('', segs[1]);
      if (d) return sendJson(res, 200, d);
    }
    if (segs[0] === 'apis' && segs.length === 2) {
      const d = discovery.apiGroup(segs[1]);
      if (d) return sendJson(res, 200, d);
    }
    if (segs[0] === 'apis' && segs.length === 3) {
      const d = discovery.resourceList(segs[1], segs[2]);
      if (d) return sendJson(res, 200, d);
    }
  }

  const r = (segs[0] === 'api' && segs.length >= 3) || (segs[0] === 'apis' && segs.length >= 4) ? resolveResourcePath(api, segs) : undefined;
  if (!r) throw notFoundPath(path);
  const isPodLog = r.subresource === 'log' && r.type.builtin && r.type.kind === 'Pod';
  if (r.subresource && !(r.subresource === 'status' && r.type.hasStatus) && !isPodLog) throw notFoundPath(path);
  if (isPodLog) {
    if (method !== 'GET') throw methodNotAllowed();
    return servePodLog(res, api, r.type, r.namespace, r.name!, q);
  }

  const warnings: string[] = [];
  const fv = q.get('fieldValidation');
  const opts: WriteOptions = {
    dryRun: q.getAll('dryRun').includes('All'),
    fieldManager: q.get('fieldManager') ?? undefined,
    fieldValidation: fv === 'Strict' || fv === 'Ignore' ? fv : 'Warn',
    force: q.get('force') === 'true',
    warnings,
  };
  const body = async () => readBody(req);
  const { type, namespace, name, subresource } = r;

  if (!name) {
    const isWatch = r.watchPrefix || q.get('watch') === 'true' || q.get('watch') === '1';
    switch (method) {
      case 'GET':
        if (isWatch) {
          serveWatch(req, res, api, type, {
            namespace,
            labelSelector: q.get('labelSelector'),
            fieldSelector: q.get('fieldSelector'),
            resourceVersion: q.get('resourceVersion'),
            timeoutSeconds: Number(q.get('timeoutSeconds')) || undefined,
            allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true',
          }, onWatchEnd);
          return undefined;
        }
        return sendJson(res, 200, api.list(type, namespace, {
          labelSelector: q.get('labelSelector'),
          fieldSelector: q.get('fieldSelector'),
          limit: Number(q.get('limit')) || undefined,
          continue: q.get('continue'),
        }));
      case 'POST': {
        const obj = api.create(type, namespace, parseJson(await body()), { ...opts, fieldManager: opts.fieldManager ?? userAgentManager(req) });
        return sendJson(res, 201, obj, warnings);
      }
      case 'DELETE': {
        const text = await body();
        const del = text.trim() ? parseJson(text) : {};
        return sendJson(res, 200, api.deleteCollection(type, namespace, { labelSelector: q.get('labelSelector'), fieldSelector: q.get('fieldSelector') }, {
          dryRun: opts.dryRun || (del.dryRun ?? []).includes('All'),
          propagationPolicy: q.get('propagationPolicy') ?? del.propagationPolicy,
        } as any));
      }
      default:
        throw methodNotAllowed();
    }
  }

  switch (method) {
    case 'GET':
      return sendJson(res, 200, api.get(type, namespace, name));
    case 'PUT': {
      const obj = api.update(type, namespace, name, parseJson(await body()), { ...opts, fieldManager: opts.fieldManager ?? userAgentManager(req) }, subresource);
      return sendJson(res, 200, obj, warnings);
    }
    case 'PATCH': {
      const ct = String(req.headers['content-type'] ?? '');
      const isApply = ct.startsWith('application/apply-patch');
      const { object, created } = api.patch(type, namespace, name, ct, await body(), {
        ...opts,
        fieldManager: opts.fieldManager ?? (isApply ? undefined : userAgentManager(req)),
      }, subresource);
      return sendJson(res, created ? 201 : 200, object, warnings);
    }
    case 'DELETE': {
      if (subresource) throw methodNotAllowed();
      const text = await body();
      const del = text.trim() ? parseJson(text) : {};
      const obj = api.delete(type, namespace, name, {
        dryRun: opts.dryRun || (del.dryRun ?? []).includes('All'),
        propagationPolicy: q.get('propagationPolicy') ?? del.propagationPolicy,
        preconditions: del.preconditions,
      } as any);
      return sendJson(res, 200, obj);
    }
    default:
      throw methodNotAllowed();
  }
}

/** The API server names an unnamed field manager after the client's user agent. */
function userAgentManager(req: IncomingMessage): string {
  const ua = String(req.headers['user-agent'] ?? '');
  return ua.split('/')[0].trim() || 'unknown';
}
