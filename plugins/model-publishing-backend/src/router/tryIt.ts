import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { secretName } from '../gateway/names';
import { clientIdForKey } from '../keys/keyFormat';
import { modelPreamble } from './modelRoute';
import type { ApiRouter, RouterDeps } from './types';

/** At most this much of a response body is returned to the browser. */
export const TRY_IT_MAX_BODY = 256 * 1024;
const TIMEOUT_MS = 30_000;
/** Response headers never passed on to the browser. */
const DROPPED_HEADERS = new Set([
  'set-cookie',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);

/** The URL a Try-it request goes to: the publication's base URL plus a path below it (no escaping it). */
export function tryItUrl(baseUrl: string, path: string): string {
  if (
    !path.startsWith('/') ||
    path.startsWith('//') ||
    /(^|\/)\.\.?(\/|$|\?)/.test(path)
  ) {
    throw new InputError(
      'path: must start with "/" and stay below the base URL (no "//", "." or ".." segments)',
    );
  }
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

/** Replaces every occurrence of the key (a model server could echo it) by a marker. */
export function redactKey(text: string, key: string): string {
  return key ? text.split(key).join('[key redacted]') : text;
}

/**
 * "Try it": one request to the published endpoint with one of the publication's keys (read from the
 * cluster's Secret, as the gateway reads it) or a pasted one. Browsers cannot call the public URL
 * themselves (CORS), so the backend does, and returns status, headers, body and latency.
 */
export function registerTryItRoutes(router: ApiRouter, deps: RouterDeps): void {
  const { publications, clusters, keys } = deps;
  const authorizedModel = modelPreamble(deps.ctx);

  router.post(
    '/:addressedBy/:scope/:namespace/:name/publication/try-it',
    async (req, res) => {
      const body = req.body;
      const { model } = await authorizedModel(req, () => {
        if (!body.keyId === !body.key) {
          throw new InputError('keyId, key: give exactly one of them');
        }
        // Using a stored key reads it from the cluster: the same right as issuing one.
        return body.keyId ? 'key.create' : 'publication.read';
      });
      const publication = await publications.findLive(
        model.cluster,
        model.namespace,
        model.name,
      );
      if (
        !publication ||
        publication.status !== 'published' ||
        !publication.endpoints[0]
      ) {
        throw new NotFoundError(
          `${model.namespace}/${model.name} is not published`,
        );
      }
      const url = tryItUrl(publication.endpoints[0].url, body.path);

      let key = body.key ?? '';
      if (body.keyId) {
        const clientId = clientIdForKey(body.keyId);
        const live = await keys.listActiveKeysForPublication(publication.id);
        if (!live.some(k => k.clientId === clientId)) {
          throw new ConflictError(
            `keyId: key ${body.keyId} is not an active key of this publication`,
          );
        }
        const secret = await clusters.get(publication.cluster).get({
          apiVersion: 'v1',
          kind: 'Secret',
          namespace: publication.namespace,
          name: secretName(publication.name),
        });
        const b64 = (secret as { data?: Record<string, string> } | undefined)
          ?.data?.[clientId];
        if (!b64) {
          throw new ServiceUnavailableError(
            `keyId: key ${body.keyId} is not in the cluster yet; try again in a moment`,
          );
        }
        key = Buffer.from(b64, 'base64').toString('utf8');
      }

      const started = performance.now();
      let answer: Response;
      try {
        answer = await fetch(url, {
          method: body.method,
          headers: {
            authorization: `Bearer ${key}`,
            ...(body.body !== undefined
              ? { 'content-type': body.contentType ?? 'application/json' }
              : {}),
          },
          body: body.method === 'POST' ? body.body ?? '' : undefined,
          signal: AbortSignal.timeout(TIMEOUT_MS),
          redirect: 'manual',
        });
      } catch (e) {
        // The cause names the host and code only; it never holds the request headers.
        const cause =
          (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
        throw new ServiceUnavailableError(`could not reach ${url}: ${cause}`);
      }
      const text = await answer.text();
      const latencyMs = Math.round((performance.now() - started) * 10) / 10;
      const headers: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!DROPPED_HEADERS.has(name)) headers[name] = redactKey(value, key);
      });
      res.setHeader('Cache-Control', 'no-store');
      res.json({
        url,
        status: answer.status,
        headers,
        body: redactKey(text.slice(0, TRY_IT_MAX_BODY), key),
        truncated: text.length > TRY_IT_MAX_BODY,
        latencyMs,
      });
    },
  );
}
