import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { AccessLogRecord, AccessLogSink } from './accessLog';
import {
  AI_ENDPOINTS,
  NO_MODEL_ROUTE_MESSAGE,
  SseUsageReader,
  TokenUsage,
  costMetadata,
  usageOf,
} from './aiGateway';
import { authenticate, upstreamAfterAuth } from './policy/apiKeyAuth';
import { MatchedRule, RateLimiter, matchRules } from './policy/rateLimit';
import { CompiledRoute, CompiledRule, RouteTable } from './routing/compile';
import { applyHeaderModifier } from './routing/headerModifier';
import {
  RouteHit,
  envoyRouteName,
  matchRoute,
  rewritePath,
  routesForHost,
} from './routing/match';
import { ModelServerStub, StubResponse } from './stubs/types';
import { Headers, header } from './types';

/** Requests for `/_host/<hostname>/<path>` are served as `<path>` with that Host (LLM hostnames on a machine without DNS for them). */
export const HOST_PATH_PREFIX = '/_host/';

/** What the model server received, for tests that check what the gateway forwards (like upstream's echo backend). */
export interface UpstreamRequestRecord {
  host: string;
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

export interface GatewayState {
  table: RouteTable;
  stubs: Map<string, ModelServerStub>;
  limiter: RateLimiter;
  sinks: AccessLogSink[];
  upstreamRequests: UpstreamRequestRecord[];
  /** How many upstream requests to keep in `upstreamRequests` (0 = none). */
  keepUpstreamRequests: number;
}

interface Exchange {
  started: number;
  startTime: string;
  method: string;
  originalPath: string;
  host: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: Buffer;
  requestId: string;
  routeName: string | null;
  clientId: string | null;
  usage?: TokenUsage;
  upstreamHost: string | null;
  bytesSent: number;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function log(
  state: GatewayState,
  x: Exchange,
  code: number,
  flags: string,
  details: string,
): void {
  if (state.sinks.length === 0) return;
  const record: AccessLogRecord = {
    start_time: x.startTime,
    method: x.method,
    path: x.originalPath,
    protocol: 'HTTP/1.1',
    response_code: code,
    response_flags: flags,
    response_code_details: details,
    route_name: x.routeName,
    client_id: x.clientId,
    request_id: x.requestId,
    input_tokens: x.usage?.input ?? null,
    output_tokens: x.usage?.output ?? null,
    total_tokens: x.usage?.total ?? null,
    duration: Date.now() - x.started,
    bytes_received: x.body.length,
    bytes_sent: x.bytesSent,
    upstream_host: x.upstreamHost,
    authority: header(x.headers, 'host') ?? '',
    user_agent: header(x.headers, 'user-agent') ?? null,
    downstream_remote_address: null,
  };
  for (const sink of state.sinks) sink(record);
}

/** An Envoy local reply (no upstream): status, optional text body, extra headers. */
function localReply(
  state: GatewayState,
  res: ServerResponse,
  x: Exchange,
  code: number,
  body: string,
  flags: string,
  details: string,
  extra: Record<string, string> = {},
  contentType = 'text/plain',
): void {
  const headers: Record<string, string> = {
    ...extra,
    'x-request-id': x.requestId,
  };
  if (body) headers['content-type'] = contentType;
  res.writeHead(code, headers);
  res.end(body);
  x.bytesSent = Buffer.byteLength(body);
  log(state, x, code, flags, details);
}

/** Auth, then rate limits, then the upstream: Envoy Gateway's filter order. */
async function serveRoute(
  state: GatewayState,
  res: ServerResponse,
  x: Exchange,
  route: CompiledRoute,
  resolveRule: () => {
    hit?: RouteHit;
    rule?: CompiledRule;
    error?: [number, string, string, string, string?];
  },
): Promise<void> {
  if (route.authError) {
    return localReply(state, res, x, 500, '', '-', 'security_policy_invalid');
  }
  if (route.auth) {
    const outcome = authenticate(route.auth, x.headers, x.query);
    if (!outcome.ok) {
      return localReply(
        state,
        res,
        x,
        401,
        'Client authentication failed.',
        '-',
        'api_key_auth_denied',
      );
    }
    upstreamAfterAuth(route.auth, outcome.clientId, x.headers, x.query);
    x.clientId = outcome.clientId;
  } else {
    x.clientId = header(x.headers, 'x-client-id') ?? null;
  }

  const matched: MatchedRule[] = matchRules(
    `${route.namespace}/${route.name}`,
    route.rateLimitRules,
    {
      method: x.method,
      headers: x.headers,
    },
  );
  const decision = state.limiter.check(matched);
  if (!decision.allowed) {
    return localReply(state, res, x, 429, '', 'RL', 'request_rate_limited', {
      ...decision.headers,
      'x-envoy-ratelimited': 'true',
    });
  }

  const resolved = resolveRule();
  if (resolved.error) {
    const [code, body, flags, details, contentType] = resolved.error;
    return localReply(
      state,
      res,
      x,
      code,
      body,
      flags,
      details,
      decision.headers,
      contentType,
    );
  }
  const rule = resolved.rule!;
  if (!rule.upstream) {
    return localReply(
      state,
      res,
      x,
      500,
      '',
      '-',
      'backend_invalid',
      decision.headers,
    );
  }
  const stub = state.stubs.get(rule.upstream.host);
  x.upstreamHost = `${rule.upstream.host}.svc.cluster.local:${rule.upstream.port}`;
  if (!stub) {
    return localReply(
      state,
      res,
      x,
      503,
      'no healthy upstream',
      'UH',
      'no_healthy_upstream',
      decision.headers,
    );
  }

  let upstreamPath: string;
  let body = x.body;
  if (route.kind === 'AIGatewayRoute') {
    upstreamPath = `${rule.upstream.openaiPrefix ?? '/v1'}${x.path.slice(
      '/v1'.length,
    )}`;
    body = withUsageRequested(body);
  } else {
    upstreamPath = rewritePath(resolved.hit!, x.path);
  }
  const q = x.query.toString();
  const upstreamHeaders: Headers = rule.requestHeaders
    ? {
        ...applyHeaderModifier(flatHeaders(x.headers), rule.requestHeaders),
        'x-request-id': x.requestId,
      }
    : { ...x.headers, 'x-request-id': x.requestId };
  if (state.keepUpstreamRequests > 0) {
    state.upstreamRequests.push({
      host: rule.upstream.host,
      method: x.method,
      path: upstreamPath + (q ? `?${q}` : ''),
      headers: upstreamHeaders,
      body: body.toString('utf8'),
    });
    if (state.upstreamRequests.length > state.keepUpstreamRequests)
      state.upstreamRequests.shift();
  }
  const upstreamStarted = Date.now();
  let answer: StubResponse;
  try {
    answer = await stub.handle({
      method: x.method,
      path: upstreamPath,
      query: x.query,
      headers: upstreamHeaders,
      body,
    });
  } catch {
    return localReply(
      state,
      res,
      x,
      503,
      'upstream connect error or disconnect/reset before headers',
      'UF',
      'upstream_reset_before_response_started',
      decision.headers,
    );
  }
  // The route's ResponseHeaderModifier applies to what the upstream answered (Envoy's route-level
  // response_headers_to_add), before the gateway's own headers.
  const headers: Record<string, string> = {
    ...applyHeaderModifier(answer.headers ?? {}, rule.responseHeaders),
    ...decision.headers,
    'x-request-id': x.requestId,
    'x-envoy-upstream-service-time': String(Date.now() - upstreamStarted),
  };
  // The route's EnvoyExtensionPolicy Lua filters see the response headers on their way out.
  for (const filter of route.lua) filter.onResponse(headers);
  if (answer.stream) {
    res.writeHead(answer.status, headers);
    const reader = new SseUsageReader();
    for await (const piece of answer.stream) {
      if (route.kind === 'AIGatewayRoute') reader.push(piece);
      res.write(piece);
      x.bytesSent += Buffer.byteLength(piece);
    }
    res.end();
    x.usage = reader.usage;
  } else {
    const text = answer.body ?? '';
    headers['content-length'] = String(Buffer.byteLength(text));
    res.writeHead(answer.status, headers);
    res.end(text);
    x.bytesSent = Buffer.byteLength(text);
    if (route.kind === 'AIGatewayRoute' && answer.status < 300) {
      try {
        x.usage = usageOf(JSON.parse(text));
      } catch {
        x.usage = undefined;
      }
    }
  }
  if (route.kind === 'AIGatewayRoute') {
    state.limiter.charge(matched, costMetadata(route.llmRequestCosts, x.usage));
  }
  log(state, x, answer.status, '-', 'via_upstream');
  return undefined;
}

/** Request headers as one string each (repeated fields comma-joined), for a header modifier. */
function flatHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      out[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

/** AI Gateway asks for usage in streams so it can count tokens. */
function withUsageRequested(body: Buffer): Buffer {
  try {
    const parsed = JSON.parse(body.toString('utf8'));
    if (
      parsed?.stream !== true ||
      parsed.stream_options?.include_usage === true
    )
      return body;
    parsed.stream_options = {
      ...(parsed.stream_options ?? {}),
      include_usage: true,
    };
    return Buffer.from(JSON.stringify(parsed));
  } catch {
    return body;
  }
}

function modelOf(body: Buffer): string | undefined {
  try {
    const m = JSON.parse(body.toString('utf8'))?.model;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** An AIGatewayRoute: auth and limits on its host first, then the model picks the rule. */
function serveAiRoute(
  state: GatewayState,
  res: ServerResponse,
  x: Exchange,
  route: CompiledRoute,
): Promise<void> {
  const hostname =
    route.hostnames.find(h => h === x.host) ?? route.hostnames[0] ?? '*';
  const routeName = (ruleIndex: number) =>
    `httproute/${route.namespace}/${route.name}/rule/${ruleIndex}/match/0/${
      hostname === '*' ? '*' : hostname.replace(/\./g, '_')
    }`;
  x.routeName = routeName(0);
  return serveRoute(state, res, x, route, () => {
    if (x.method === 'GET' && x.path === '/v1/models') {
      const models = route.rules
        .map(r => r.model)
        .filter((m): m is string => !!m);
      const body = JSON.stringify({
        object: 'list',
        data: [...new Set(models)].map(id => ({
          id,
          object: 'model',
          created: Math.floor(route.createdAt / 1000),
          owned_by: 'Envoy AI Gateway',
        })),
      });
      return {
        error: [200, body, '-', 'ai_gateway_models', 'application/json'],
      };
    }
    if (!AI_ENDPOINTS.includes(x.path))
      return { error: [404, '', 'NR', 'route_not_found'] };
    const model = header(x.headers, 'x-ai-eg-model') ?? modelOf(x.body);
    const rule = route.rules.find(
      r => r.model !== undefined && r.model === model,
    );
    if (!rule)
      return { error: [404, NO_MODEL_ROUTE_MESSAGE, '-', 'no_matching_model'] };
    x.headers['x-ai-eg-model'] = model;
    x.routeName = routeName(rule.index);
    return { rule };
  });
}

/** The request handler of the gateway's listener. */
export async function handleRequest(
  state: GatewayState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = Date.now();
  const url = new URL(req.url ?? '/', 'http://gateway');
  const headers: Headers = { ...req.headers };
  let host = (header(headers, 'host') ?? '').replace(/:\d+$/, '').toLowerCase();
  let path = url.pathname;
  if (path.startsWith(HOST_PATH_PREFIX)) {
    const rest = path.slice(HOST_PATH_PREFIX.length);
    const slash = rest.indexOf('/');
    host = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
    path = slash < 0 ? '/' : rest.slice(slash);
    headers.host = host;
  }
  const x: Exchange = {
    started,
    startTime: new Date(started).toISOString(),
    method: req.method ?? 'GET',
    originalPath: req.url ?? '/',
    host,
    path,
    query: url.searchParams,
    headers,
    body: await readBody(req),
    requestId: header(headers, 'x-request-id') ?? randomUUID(),
    routeName: null,
    clientId: null,
    upstreamHost: null,
    bytesSent: 0,
  };
  try {
    const ai = routesForHost(state.table, host).find(
      r => r.kind === 'AIGatewayRoute' && r.hostnames.length > 0,
    );
    if (ai) return await serveAiRoute(state, res, x, ai);
    const hit = matchRoute(state.table, {
      host,
      path,
      method: x.method,
      headers,
    });
    if (!hit)
      return localReply(state, res, x, 404, '', 'NR', 'route_not_found');
    x.routeName = envoyRouteName(hit);
    return await serveRoute(state, res, x, hit.route, () => ({
      hit,
      rule: hit.rule,
    }));
  } catch (e) {
    if (!res.headersSent)
      return localReply(
        state,
        res,
        x,
        500,
        '',
        'DI',
        `emulator_error: ${(e as Error).message}`,
      );
    res.destroy();
    return undefined;
  }
}
