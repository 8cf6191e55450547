import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectApi } from './objects';
import type { ResourceType } from './resources';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import type { StoreEvent } from './store';

export interface WatchQuery {
  namespace?: string;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  resourceVersion?: string | null;
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
}

const BOOKMARK_INTERVAL_MS = 5000;

/**
 * Streams watch events as newline-delimited JSON, as the API server does: an initial ADDED per object
 * when no resourceVersion (or "0") is given, replay from the event history when one is, 410 Expired
 * when it is too old, and ADDED/DELETED when an object moves into/out of the selectors.
 */
export function serveWatch(req: IncomingMessage, res: ServerResponse, api: ObjectApi, type: ResourceType, q: WatchQuery, onEnd: () => void): void {
  const labels = parseLabelSelector(q.labelSelector);
  const fields = parseFieldSelector(q.fieldSelector, type.kind);
  const ns = type.namespaced ? q.namespace : undefined;
  const matches = (o: any) => !!o && (ns === undefined || o.metadata.namespace === ns) && labels(o.metadata.labels) && fields(o);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const send = (evType: string, object: any) => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type: evType, object })}\n`);
  };
  const deliver = (ev: StoreEvent) => {
    if (ev.storageKey !== type.storageKey) return;
    const now = ev.type !== 'DELETED' && matches(ev.object);
    const before = matches(ev.previous);
    let out: string | undefined;
    if (ev.type === 'ADDED') out = now ? 'ADDED' : undefined;
    else if (ev.type === 'DELETED') out = before ? 'DELETED' : undefined;
    else if (now) out = before ? 'MODIFIED' : 'ADDED';
    else if (before) out = 'DELETED';
    if (out) send(out, api.present(type, ev.object));
  };

  let unsubscribe = () => {};
  let bookmarkTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    unsubscribe();
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    if (timeoutTimer) clearTimeout(timeoutTimer);
    if (!res.writableEnded) res.end();
    onEnd();
  };

  const rv = q.resourceVersion;
  if (!rv || rv === '0') {
    for (const o of api.store.list(type.storageKey, ns)) if (matches(o)) send('ADDED', api.present(type, o));
  } else {
    const events = api.store.eventsSince(Number(rv));
    if (!events || Number.isNaN(Number(rv))) {
      send('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${rv} (${api.store.oldestResumable})`,
        reason: 'Expired',
        code: 410,
      });
      finish();
      return;
    }
    for (const ev of events) deliver(ev);
  }
  // Everything above ran synchronously, so no event can fall between the replay and the subscription.
  unsubscribe = api.store.subscribe(deliver);
  if (q.allowWatchBookmarks) {
    bookmarkTimer = setInterval(
      () => send('BOOKMARK', { kind: type.kind, apiVersion: type.group ? `${type.group}/${type.version}` : type.version, metadata: { resourceVersion: String(api.store.resourceVersion) } }),
      BOOKMARK_INTERVAL_MS,
    );
    bookmarkTimer.unref();
  }
  if (q.timeoutSeconds && q.timeoutSeconds > 0) {
    timeoutTimer = setTimeout(finish, q.timeoutSeconds * 1000);
    timeoutTimer.unref();
  }
  req.on('close', finish);
  res.on('close', finish);
}
