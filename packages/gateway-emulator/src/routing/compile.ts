import { ApiKeyAuthConfig, resolveApiKeyAuth } from '../policy/apiKeyAuth';
import { compileLua, type LuaFilter } from '../policy/lua';
import { RateLimitRule } from '../policy/rateLimit';
import { ClusterSnapshot, KubeObject } from '../types';
import { compileHeaderModifier, type HeaderModifier } from './headerModifier';

export interface PathMatch {
  type: 'Exact' | 'PathPrefix' | 'RegularExpression';
  value: string;
}

export interface HeaderMatch {
  type: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface RouteMatch {
  path: PathMatch;
  headers: HeaderMatch[];
  method?: string;
}

/** Where a rule sends requests: an in-cluster host (`<service>.<namespace>`) and, for AI routes, the schema prefix. */
export interface Upstream {
  host: string;
  port: number;
  /** AIServiceBackend `schema.prefix`: the OpenAI paths are served under it (e.g. `/openai/v1`). */
  openaiPrefix?: string;
}

export interface CompiledRule {
  index: number;
  matches: RouteMatch[];
  rewrite?:
    | { type: 'ReplacePrefixMatch'; value: string }
    | { type: 'ReplaceFullPath'; value: string };
  upstream?: Upstream;
  /** HTTPRoute `RequestHeaderModifier`: applied to the request before it goes upstream. */
  requestHeaders?: HeaderModifier;
  /** HTTPRoute `ResponseHeaderModifier`: applied to the upstream's response before it reaches the client. */
  responseHeaders?: HeaderModifier;
  /** Why the rule has no usable backend (answered 500, as Envoy Gateway does for an invalid backend). */
  backendError?: string;
  /** AIGatewayRoute: the model this rule matches on (from its `x-ai-eg-model` header match). */
  model?: string;
}

export interface LlmRequestCost {
  metadataKey: string;
  type:
    | 'InputToken'
    | 'OutputToken'
    | 'TotalToken'
    | 'CachedInputToken'
    | 'CEL';
}

export interface CompiledRoute {
  kind: 'HTTPRoute' | 'AIGatewayRoute';
  namespace: string;
  name: string;
  hostnames: string[];
  rules: CompiledRule[];
  auth?: ApiKeyAuthConfig;
  /** An invalid SecurityPolicy fails the route closed: every request gets 500. */
  authError?: string;
  rateLimitRules: RateLimitRule[];
  llmRequestCosts: LlmRequestCost[];
  /** The EnvoyExtensionPolicy's Lua filters, in order (run on every upstream response). */
  lua: LuaFilter[];
  /** Why a Lua entry of that policy was rejected (the policy is then not applied at all). */
  luaError?: string;
  createdAt: number;
}

export interface RouteTable {
  routes: CompiledRoute[];
}

const keyOf = (ns: string, name: string) => `${ns}/${name}`;
const created = (o: KubeObject) =>
  o.metadata.creationTimestamp
    ? new Date(o.metadata.creationTimestamp).getTime()
    : 0;

/** Which policy of a kind applies to a route: the oldest that targets it, then by namespace/name (Envoy Gateway's rule). */
function policyFor(
  policies: Map<string, KubeObject>,
  route: { namespace: string; name: string },
): KubeObject | undefined {
  const targeting = [...policies.values()].filter(p => {
    if ((p.metadata.namespace ?? '') !== route.namespace) return false;
    const refs = [
      ...(p.spec?.targetRefs ?? []),
      ...(p.spec?.targetRef ? [p.spec.targetRef] : []),
    ];
    return refs.some(
      (r: any) =>
        r.kind === 'HTTPRoute' &&
        (r.group ?? 'gateway.networking.k8s.io') ===
          'gateway.networking.k8s.io' &&
        r.name === route.name,
    );
  });
  targeting.sort(
    (a, b) =>
      created(a) - created(b) ||
      keyOf(a.metadata.namespace ?? '', a.metadata.name).localeCompare(
        keyOf(b.metadata.namespace ?? '', b.metadata.name),
      ),
  );
  return targeting[0];
}

function compileMatches(matches: any[] | undefined): RouteMatch[] {
  const list = matches?.length ? matches : [{}];
  return list.map(m => ({
    path: {
      type: m.path?.type ?? 'PathPrefix',
      value: m.path?.value ?? '/',
    },
    headers: (m.headers ?? []).map((h: any) => ({
      type: h.type ?? 'Exact',
      name: String(h.name).toLowerCase(),
      value: h.value,
    })),
    method: m.method,
  }));
}

function compileRewrite(filters: any[] | undefined): CompiledRule['rewrite'] {
  const f = (filters ?? []).find(x => x.type === 'URLRewrite')?.urlRewrite
    ?.path;
  if (!f) return undefined;
  return f.type === 'ReplaceFullPath'
    ? { type: 'ReplaceFullPath', value: f.replaceFullPath }
    : { type: 'ReplacePrefixMatch', value: f.replacePrefixMatch };
}

/** `svc.ns.svc.cluster.local` / `svc.ns.svc` / `svc.ns` → `svc.ns`. */
export function serviceHost(hostname: string): string {
  return hostname.replace(/\.svc(\.cluster\.local)?\.?$/, '');
}

function backendUpstream(
  snapshot: ClusterSnapshot,
  ns: string,
  name: string,
): Upstream | string {
  const backend = snapshot.Backend.get(keyOf(ns, name));
  if (!backend) return `Backend ${ns}/${name} not found`;
  const ep = backend.spec?.endpoints?.[0];
  if (ep?.fqdn)
    return { host: serviceHost(ep.fqdn.hostname), port: ep.fqdn.port };
  if (ep?.ip) return { host: ep.ip.address, port: ep.ip.port };
  return `Backend ${ns}/${name} has no fqdn or ip endpoint`;
}

/** A route's compiled form before its policies are attached. */
type RouteBase = Omit<
  CompiledRoute,
  'auth' | 'authError' | 'rateLimitRules' | 'lua'
>;
type RuleCompiler = (rule: any, index: number, ns: string) => CompiledRule;

function compileRoute(
  kind: CompiledRoute['kind'],
  route: KubeObject,
  compileRule: RuleCompiler,
): RouteBase {
  const ns = route.metadata.namespace ?? '';
  return {
    kind,
    namespace: ns,
    name: route.metadata.name,
    hostnames: route.spec?.hostnames ?? [],
    // LLM request costs are an AIGatewayRoute field; an HTTPRoute has none.
    llmRequestCosts:
      kind === 'AIGatewayRoute' ? route.spec?.llmRequestCosts ?? [] : [],
    createdAt: created(route),
    rules: (route.spec?.rules ?? []).map((r: any, index: number) =>
      compileRule(r, index, ns),
    ),
  };
}

const compileHttpRule: RuleCompiler = (r, index, ns) => {
  const ref = r.backendRefs?.[0];
  const rule: CompiledRule = {
    index,
    matches: compileMatches(r.matches),
    rewrite: compileRewrite(r.filters),
    requestHeaders: compileHeaderModifier(r.filters, 'RequestHeaderModifier'),
    responseHeaders: compileHeaderModifier(r.filters, 'ResponseHeaderModifier'),
  };
  if (!ref) rule.backendError = 'no backendRefs';
  else if ((ref.kind ?? 'Service') === 'Service' && !ref.group) {
    rule.upstream = {
      host: `${ref.name}.${ref.namespace ?? ns}`,
      port: ref.port ?? 80,
    };
  } else
    rule.backendError = `backendRef kind ${ref.kind} is not served by the emulator`;
  return rule;
};

const aiRuleCompiler =
  (snapshot: ClusterSnapshot): RuleCompiler =>
  (r, index, ns) => {
    const matches = compileMatches(r.matches);
    const model = matches
      .flatMap(m => m.headers)
      .find(h => h.name === 'x-ai-eg-model' && h.type === 'Exact')?.value;
    const rule: CompiledRule = { index, matches, model };
    const ref = r.backendRefs?.[0];
    const asb = ref && snapshot.AIServiceBackend.get(keyOf(ns, ref.name));
    if (!ref) rule.backendError = 'no backendRefs';
    else if (!asb)
      rule.backendError = `AIServiceBackend ${ns}/${ref.name} not found`;
    else {
      const up = backendUpstream(snapshot, ns, asb.spec?.backendRef?.name);
      if (typeof up === 'string') rule.backendError = up;
      else
        rule.upstream = {
          ...up,
          openaiPrefix: asb.spec?.schema?.prefix ?? '/v1',
        };
    }
    return rule;
  };

// Lua VMs by script and filter context: the table is recompiled on every watched change (a key added to a
// Secret), and a policy that did not change keeps its VM. Bounded: cleared when it grows past the limit.
const luaCache = new Map<string, LuaFilter | { error: string }>();
const LUA_CACHE_LIMIT = 256;

/**
 * An EnvoyExtensionPolicy's `lua` entries: Inline, or ValueRef to a ConfigMap (its `lua` key, else its
 * first value — envoyproxy/gateway api/v1alpha1/lua_types.go). Any entry that cannot load rejects the policy.
 */
function luaFilters(
  snapshot: ClusterSnapshot,
  policy: KubeObject,
): LuaFilter[] | { error: string } {
  const ns = policy.metadata.namespace ?? '';
  const out: LuaFilter[] = [];
  for (const entry of policy.spec?.lua ?? []) {
    let source: string | undefined = entry.inline;
    if (entry.type === 'ValueRef') {
      const cm = snapshot.ConfigMap.get(keyOf(ns, entry.valueRef?.name));
      const data = cm?.data ?? {};
      source = data.lua ?? Object.values(data)[0];
      if (source === undefined)
        return {
          error: `ConfigMap ${ns}/${entry.valueRef?.name} not found or empty`,
        };
    }
    const key = `${source}\u0000${JSON.stringify(entry.filterContext ?? null)}`;
    let filter = luaCache.get(key);
    if (!filter) {
      if (luaCache.size >= LUA_CACHE_LIMIT) luaCache.clear();
      filter = compileLua(source ?? '', entry.filterContext);
      luaCache.set(key, filter);
    }
    if ('error' in filter) return filter;
    out.push(filter);
  }
  return out;
}

/**
 * What Envoy Gateway + AI Gateway would program from the cluster's objects: routes with their auth and
 * rate-limit policies attached. An AIGatewayRoute stands for the HTTPRoute AI Gateway generates with its
 * name, so policies that target that HTTPRoute apply to it. Pure.
 */
export function compileRouteTable(snapshot: ClusterSnapshot): RouteTable {
  const compileAiRule = aiRuleCompiler(snapshot);
  const bases = [
    ...[...snapshot.HTTPRoute.values()].map(r =>
      compileRoute('HTTPRoute', r, compileHttpRule),
    ),
    ...[...snapshot.AIGatewayRoute.values()].map(r =>
      compileRoute('AIGatewayRoute', r, compileAiRule),
    ),
  ];
  const routes: CompiledRoute[] = bases.map(base => {
    const route: CompiledRoute = { ...base, rateLimitRules: [], lua: [] };
    const sp = policyFor(snapshot.SecurityPolicy, base);
    if (sp?.spec?.apiKeyAuth) {
      const resolved = resolveApiKeyAuth(sp, snapshot.Secret);
      if ('error' in resolved) route.authError = resolved.error;
      else route.auth = resolved.config;
    }
    const btp = policyFor(snapshot.BackendTrafficPolicy, base);
    const rl = btp?.spec?.rateLimit;
    route.rateLimitRules = rl?.global?.rules ?? rl?.local?.rules ?? [];
    const eep = policyFor(snapshot.EnvoyExtensionPolicy, base);
    const lua = eep ? luaFilters(snapshot, eep) : [];
    if ('error' in lua) route.luaError = lua.error;
    else route.lua = lua;
    return route;
  });
  // Oldest route first, as Envoy Gateway orders equally specific routes.
  routes.sort(
    (a, b) =>
      a.createdAt - b.createdAt ||
      `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
  );
  return { routes };
}
