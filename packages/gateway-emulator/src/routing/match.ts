import { Headers, header } from '../types';
import { CompiledRoute, CompiledRule, PathMatch, RouteMatch, RouteTable } from './compile';

/** Gateway API hostname matching: exact, or `*.suffix` matching one or more labels in front of the suffix. */
export function hostMatches(hostnames: string[], host: string): string | undefined {
  if (hostnames.length === 0) return '*';
  for (const h of hostnames) {
    if (h === host) return h;
    if (h.startsWith('*.') && host.endsWith(h.slice(1)) && host.length > h.length - 1) return h;
  }
  return undefined;
}

/** PathPrefix matches whole segments: `/a` matches `/a` and `/a/b`, not `/ab`. */
export function pathMatches(m: PathMatch, path: string): boolean {
  if (m.type === 'Exact') return path === m.value;
  if (m.type === 'RegularExpression') return new RegExp(`^(?:${m.value})$`).test(path);
  const prefix = m.value.replace(/\/+$/, '');
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}

function matchOk(m: RouteMatch, req: MatchRequest): boolean {
  if (!pathMatches(m.path, req.path)) return false;
  if (m.method && m.method !== req.method) return false;
  return m.headers.every(h => {
    const v = header(req.headers, h.name);
    if (v === undefined) return false;
    return h.type === 'Exact' ? v === h.value : new RegExp(`^(?:${h.value})$`).test(v);
  });
}

export interface MatchRequest {
  host: string;
  path: string;
  method: string;
  headers: Headers;
}

export interface RouteHit {
  route: CompiledRoute;
  rule: CompiledRule;
  matchIndex: number;
  hostname: string;
  match: RouteMatch;
}

/** Gateway API precedence among matches: exact host, then exact path, longest prefix, most header matches. */
function specificity(hit: RouteHit): number[] {
  const m = hit.match;
  const hostRank: Record<string, number> = { any: 0, wildcard: 1, exact: 2 };
  const pathRank: Record<string, number> = { RegularExpression: 0, PathPrefix: 1, Exact: 2 };
  let host = 'exact';
  if (hit.hostname === '*') host = 'any';
  else if (hit.hostname.startsWith('*.')) host = 'wildcard';
  return [
    hostRank[host],
    pathRank[m.path.type],
    m.path.value.length,
    m.method ? 1 : 0,
    m.headers.length,
  ];
}

/** Routes that serve this host (before any header match): the AI route's auth runs before model routing. */
export function routesForHost(table: RouteTable, host: string): CompiledRoute[] {
  return table.routes.filter(r => hostMatches(r.hostnames, host) !== undefined);
}

/** The most specific rule match over all routes for the request; ties go to the older route (table order). */
export function matchRoute(table: RouteTable, req: MatchRequest): RouteHit | undefined {
  let best: { hit: RouteHit; spec: number[] } | undefined;
  for (const route of table.routes) {
    const hostname = hostMatches(route.hostnames, req.host);
    if (hostname === undefined) continue;
    for (const rule of route.rules) {
      for (let matchIndex = 0; matchIndex < rule.matches.length; matchIndex++) {
        const match = rule.matches[matchIndex];
        if (!matchOk(match, req)) continue;
        const hit = { route, rule, matchIndex, hostname, match };
        const spec = specificity(hit);
        if (!best || compare(spec, best.spec) > 0) best = { hit, spec };
      }
    }
  }
  return best?.hit;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The path the upstream sees after a URLRewrite (Gateway API semantics for ReplacePrefixMatch). */
export function rewritePath(hit: RouteHit, path: string): string {
  const rw = hit.rule.rewrite;
  if (!rw) return path;
  if (rw.type === 'ReplaceFullPath') return rw.value;
  if (hit.match.path.type !== 'PathPrefix') return path;
  const prefix = hit.match.path.value.replace(/\/+$/, '');
  const rest = path.slice(prefix.length);
  const base = rw.value.replace(/\/+$/, '');
  const out = `${base}${rest}`;
  return out.startsWith('/') ? out : `/${out}`;
}

/** Envoy Gateway's route name, as `%ROUTE_NAME%` logs it: `httproute/<ns>/<name>/rule/<n>/match/<m>/<host>`. */
export function envoyRouteName(hit: RouteHit): string {
  const host = hit.hostname === '*' ? '*' : hit.hostname.replace(/\./g, '_');
  return `httproute/${hit.route.namespace}/${hit.route.name}/rule/${hit.rule.index}/match/${hit.matchIndex}/${host}`;
}
