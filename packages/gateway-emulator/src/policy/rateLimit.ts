import { Headers, header } from '../types';

export type LimitUnit = 'Second' | 'Minute' | 'Hour' | 'Day' | 'Month';

/** Window lengths as Envoy's ratelimit service divides time (a Month is 30 days). */
export const UNIT_SECONDS: Record<LimitUnit, number> = {
  Second: 1,
  Minute: 60,
  Hour: 3600,
  Day: 86_400,
  Month: 2_592_000,
};

interface HeaderMatch {
  name: string;
  type?: 'Exact' | 'RegularExpression' | 'Distinct';
  value?: string;
  invert?: boolean;
}

/** One BackendTrafficPolicy `rateLimit.{global,local}.rules[]` entry (the fields the gateway acts on). */
export interface RateLimitRule {
  clientSelectors?: { headers?: HeaderMatch[]; methods?: { value: string }[] }[];
  limit: { requests: number; unit: LimitUnit };
  cost?: {
    request?: { from: 'Number' | 'Metadata'; number?: number; metadata?: { namespace: string; key: string } };
    response?: { from: 'Number' | 'Metadata'; number?: number; metadata?: { namespace: string; key: string } };
  };
}

/** A rule that applies to this request, with the bucket it counts in. */
export interface MatchedRule {
  rule: RateLimitRule;
  bucket: string;
}

function headerMatches(m: HeaderMatch, headers: Headers): { ok: boolean; distinct?: string } {
  const v = header(headers, m.name);
  const type = m.type ?? 'Exact';
  if (type === 'Distinct') return v === undefined ? { ok: false } : { ok: true, distinct: v };
  let hit: boolean;
  if (v === undefined) hit = false;
  else if (type === 'Exact') hit = v === m.value;
  else hit = new RegExp(`^(?:${m.value})$`).test(v);
  return { ok: m.invert ? !hit : hit };
}

/**
 * The rules that apply to a request and their buckets. Every condition of every clientSelector must hold;
 * a `Distinct` header gives each value its own bucket, and a request without that header is not limited by
 * the rule (no descriptor is generated for it).
 */
export function matchRules(
  routeKey: string,
  rules: RateLimitRule[],
  request: { method: string; headers: Headers },
): MatchedRule[] {
  const out: MatchedRule[] = [];
  rules.forEach((rule, index) => {
    const parts: string[] = [];
    for (const sel of rule.clientSelectors ?? []) {
      for (const m of sel.headers ?? []) {
        const r = headerMatches(m, request.headers);
        if (!r.ok) return;
        if (r.distinct !== undefined) parts.push(`${m.name}=${r.distinct}`);
      }
      if (sel.methods?.length && !sel.methods.some(x => x.value === request.method)) return;
    }
    out.push({ rule, bucket: `${routeKey}\u0000${index}\u0000${parts.join('\u0000')}` });
  });
  return out;
}

interface Window {
  start: number;
  used: number;
}

export interface LimitStatus {
  limit: number;
  remaining: number;
  windowSeconds: number;
  resetSeconds: number;
}

export interface LimitDecision {
  allowed: boolean;
  /** `X-RateLimit-*` headers (the draft-03 form Envoy Gateway enables), empty when no rule matched. */
  headers: Record<string, string>;
}

/**
 * Fixed-window counters, as Envoy's global ratelimit service keeps them (windows aligned to the epoch).
 * A request is over the limit when what it adds would pass the limit; a cost of 0 (token rules) only
 * checks, so the request that crosses a token limit is served and the next one is refused.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now) {}

  private window(bucket: string, unit: LimitUnit, at: number): Window {
    const len = UNIT_SECONDS[unit] * 1000;
    const start = Math.floor(at / len) * len;
    let w = this.windows.get(bucket);
    if (!w || w.start !== start) {
      w = { start, used: 0 };
      this.windows.set(bucket, w);
    }
    return w;
  }

  /** Checks and charges the request costs of the matched rules. All rules are charged only if all allow. */
  check(matched: MatchedRule[]): LimitDecision {
    if (matched.length === 0) return { allowed: true, headers: {} };
    const at = this.now();
    const statuses: LimitStatus[] = [];
    let allowed = true;
    const costs = matched.map(m => requestCost(m.rule));
    matched.forEach((m, i) => {
      const w = this.window(m.bucket, m.rule.limit.unit, at);
      if (w.used + costs[i] > m.rule.limit.requests) allowed = false;
    });
    matched.forEach((m, i) => {
      const w = this.window(m.bucket, m.rule.limit.unit, at);
      if (allowed) w.used += costs[i];
      statuses.push(status(m.rule, w, at));
    });
    return { allowed, headers: rateLimitHeaders(statuses) };
  }

  /** Adds response costs (e.g. tokens from AI Gateway's metadata) after the response. */
  charge(matched: MatchedRule[], metadata: Record<string, number>): void {
    const at = this.now();
    for (const m of matched) {
      const c = m.rule.cost?.response;
      if (!c) continue;
      const amount =
        c.from === 'Number' ? c.number ?? 0 : metadata[c.metadata?.key ?? ''] ?? 0;
      this.window(m.bucket, m.rule.limit.unit, at).used += amount;
    }
  }

  clear(): void {
    this.windows.clear();
  }
}

function requestCost(rule: RateLimitRule): number {
  const c = rule.cost?.request;
  if (!c) return 1;
  return c.from === 'Number' ? c.number ?? 1 : 1;
}

function status(rule: RateLimitRule, w: Window, at: number): LimitStatus {
  const windowSeconds = UNIT_SECONDS[rule.limit.unit];
  return {
    limit: rule.limit.requests,
    remaining: Math.max(0, rule.limit.requests - w.used),
    windowSeconds,
    resetSeconds: Math.max(1, Math.ceil((w.start + windowSeconds * 1000 - at) / 1000)),
  };
}

/**
 * Envoy's draft-03 headers: the limit, remaining and reset of the rule closest to its limit, then every
 * matched rule's quota policy (`3, 3;w=3600` for one rule of 3 per hour).
 */
export function rateLimitHeaders(statuses: LimitStatus[]): Record<string, string> {
  if (statuses.length === 0) return {};
  const closest = statuses.reduce((a, b) => (b.remaining < a.remaining ? b : a));
  return {
    'x-ratelimit-limit': [
      String(closest.limit),
      ...statuses.map(s => `${s.limit};w=${s.windowSeconds}`),
    ].join(', '),
    'x-ratelimit-remaining': String(closest.remaining),
    'x-ratelimit-reset': String(closest.resetSeconds),
  };
}
