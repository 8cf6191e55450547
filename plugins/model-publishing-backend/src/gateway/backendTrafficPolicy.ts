import { InputError } from '@backstage/errors';
import {
  CLIENT_ID_HEADER,
  type RateLimits,
} from '@model-publishing/plugin-model-publishing-common';
import {
  AI_GATEWAY_METADATA_NAMESPACE,
  LLM_COST_KEYS,
  routePolicy,
} from './names';
import type { BackendTrafficPolicy } from '../kubernetes/objects';
import type { BuildInput, BuildKey } from './types';

/**
 * What a route's rate-limit rules are built from: a part of BuildInput, so the key service can check a
 * key change against the rule budget without the rest of a publication's build (and without raw keys).
 */
export interface RateLimitRulesInput {
  config: Pick<BuildInput['config'], 'rateLimits' | 'plans'>;
  detection: Pick<BuildInput['detection'], 'kind'>;
  gateway: Pick<BuildInput['gateway'], 'rateLimitMode'>;
  keys: Pick<BuildKey, 'clientId' | 'rateLimits' | 'sharesBudgetWith'>[];
}

/** Envoy Gateway v1.9 CRD limits (rateLimit.global.rules / rateLimit.local.rules maxItems). */
export const MAX_GLOBAL_RULES = 256;
export const MAX_LOCAL_RULES = 16;
/**
 * clientSelectors[].headers maxItems is 64 in Envoy Gateway v1.8.1 and 128 in v1.9.0: the support
 * matrix's minimum leaves one Distinct match plus at most 63 exclusions.
 */
export const MAX_EXCLUDED_CLIENTS = 63;

type Unit = 'Minute' | 'Hour' | 'Day' | 'Month';
interface Window {
  field: keyof RateLimits;
  unit: Unit;
  tokens: boolean;
}

/** Every limit a publication or key can set, in the order rules are emitted. */
export const LIMIT_WINDOWS: Window[] = [
  { field: 'requestsPerMinute', unit: 'Minute', tokens: false },
  { field: 'requestsPerHour', unit: 'Hour', tokens: false },
  { field: 'requestsPerDay', unit: 'Day', tokens: false },
  { field: 'tokensPerMinute', unit: 'Minute', tokens: true },
  { field: 'tokensPerHour', unit: 'Hour', tokens: true },
  { field: 'tokensPerDay', unit: 'Day', tokens: true },
  { field: 'requestsPerMonth', unit: 'Month', tokens: false },
  { field: 'tokensPerMonth', unit: 'Month', tokens: true },
];

export interface RateLimitRule {
  clientSelectors?: { headers: HeaderMatch[] }[];
  limit: { requests: number; unit: Unit };
  cost?: {
    request: { from: 'Number'; number: number };
    response: {
      from: 'Metadata';
      metadata: { namespace: string; key: string };
    };
  };
}
type HeaderMatch =
  | { name: string; type: 'Distinct' }
  | {
      name: string;
      type: 'Exact' | 'RegularExpression';
      value: string;
      invert?: true;
    };

/**
 * Tokens are counted after the response (AI Gateway writes the total into dynamic metadata);
 * the request itself costs 0 so it only checks the bucket.
 */
const TOKEN_COST: RateLimitRule['cost'] = {
  request: { from: 'Number', number: 0 },
  response: {
    from: 'Metadata',
    metadata: {
      namespace: AI_GATEWAY_METADATA_NAMESPACE,
      key: LLM_COST_KEYS.total,
    },
  },
};

function defined(limits: RateLimits | undefined): RateLimits {
  return Object.fromEntries(
    Object.entries(limits ?? {}).filter(([, v]) => typeof v === 'number'),
  ) as RateLimits;
}

function rule(
  headers: HeaderMatch[],
  requests: number,
  window: Window,
): RateLimitRule {
  return {
    clientSelectors: [{ headers }],
    limit: { requests, unit: window.unit },
    ...(window.tokens ? { cost: TOKEN_COST } : {}),
  };
}

const exact = (clientId: string): HeaderMatch => ({
  name: CLIENT_ID_HEADER,
  type: 'Exact',
  value: clientId,
});

/** A rotated key and its successor(s) during the grace period: they share one budget. */
interface BudgetGroup {
  clientIds: string[];
  /** The newest key's limits (the one that stays). */
  rateLimits?: RateLimits;
}

/**
 * Groups keys by `sharesBudgetWith` (a chain of rotations in one grace period is one group), in key
 * order. A key whose predecessor is no longer in the Secret stands alone.
 */
function budgetGroups(keys: RateLimitRulesInput['keys']): BudgetGroup[] {
  const present = new Set(keys.map(k => k.clientId));
  const predecessor = new Map(
    keys
      .filter(k => k.sharesBudgetWith && present.has(k.sharesBudgetWith))
      .map(k => [k.clientId, k.sharesBudgetWith!]),
  );
  const root = (clientId: string): string => {
    const seen = new Set<string>([clientId]);
    let at = clientId;
    let next = predecessor.get(at);
    while (next && !seen.has(next)) {
      seen.add(next);
      at = next;
      next = predecessor.get(at);
    }
    return at;
  };
  const groups = new Map<string, BudgetGroup>();
  for (const key of keys) {
    const id = root(key.clientId);
    const group = groups.get(id) ?? { clientIds: [] };
    group.clientIds.push(key.clientId);
    // Later keys in a chain are newer: their limits are the ones that stay.
    if (key.clientId !== id || !group.rateLimits)
      group.rateLimits = key.rateLimits;
    groups.set(id, group);
  }
  return [...groups.values()];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The header match of a budget: Exact for one key, one RegularExpression (one shared bucket) for a rotated pair. */
function budgetMatch(group: BudgetGroup): HeaderMatch {
  if (group.clientIds.length === 1) return exact(group.clientIds[0]);
  return {
    name: CLIENT_ID_HEADER,
    type: 'RegularExpression',
    value: `^(?:${group.clientIds.map(escapeRegex).join('|')})$`,
  };
}

/** Refuses limits the route cannot enforce, naming the field. */
function checkLimits(input: RateLimitRulesInput): void {
  const isLlm = input.detection.kind === 'openai';
  const sources: [string, RateLimits][] = [
    ['rateLimits', defined(input.config.rateLimits)],
    // Plans' limits become their keys' own rules: refuse what the route cannot enforce at publish time.
    ...(input.config.plans ?? []).map(
      (p, i) =>
        [`plans[${i}].rateLimits`, defined(p.rateLimits)] as [
          string,
          RateLimits,
        ],
    ),
    ...input.keys.map(
      k =>
        [`keys[${k.clientId}].rateLimits`, defined(k.rateLimits)] as [
          string,
          RateLimits,
        ],
    ),
  ];
  for (const [where, limits] of sources) {
    for (const w of LIMIT_WINDOWS.filter(x => x.tokens)) {
      if (limits[w.field] === undefined) continue;
      if (!isLlm) {
        throw new InputError(
          `${where}.${w.field}: token limits apply only to OpenAI-compatible models, and this model is ${input.detection.kind}`,
        );
      }
      if (input.gateway.rateLimitMode === 'local') {
        throw new InputError(
          `${where}.${w.field}: token limits need global rate limiting (the token count is only known after the response, and Envoy's local rate limit cannot charge response costs); ask an administrator to enable global rate limiting`,
        );
      }
    }
  }
}

/**
 * All rate-limit rules of one publication (one BackendTrafficPolicy per route holds them all).
 *
 * Global mode: a `Distinct` rule per publication limit gives every client id its own bucket.
 * Keys with their own limits get `Exact` rules placed first, and are excluded from the Distinct
 * rules (an inverted Exact match ANDed with the Distinct one), so their limits replace the
 * publication's instead of adding to them.
 *
 * Local mode: no `Distinct` exists, so every key gets its own `Exact` rules (≤16 in all).
 *
 * Rotation: during the grace period the old key and its successor (`sharesBudgetWith`) are one
 * budget, matched by one RegularExpression on both client ids (a non-Distinct match is one bucket),
 * so rotating never doubles what a key may use.
 */
export function buildRateLimitRules(input: RateLimitRulesInput): {
  mode: 'global' | 'local';
  rules: RateLimitRule[];
} {
  checkLimits(input);
  const base = defined(input.config.rateLimits);
  const mode = input.gateway.rateLimitMode;
  const rules: RateLimitRule[] = [];

  const groups = budgetGroups(input.keys);
  if (mode === 'local') {
    for (const group of groups) {
      const limits = { ...base, ...defined(group.rateLimits) };
      for (const w of LIMIT_WINDOWS) {
        const value = limits[w.field];
        if (value !== undefined)
          rules.push(rule([budgetMatch(group)], value, w));
      }
    }
    if (rules.length > MAX_LOCAL_RULES) {
      throw new InputError(
        `rateLimits: local rate limiting allows at most ${MAX_LOCAL_RULES} rules per route, and ${input.keys.length} keys with these limits need ${rules.length}; use fewer keys or limits, or global rate limiting`,
      );
    }
    return { mode, rules };
  }

  // Keys with limits of their own, and rotated pairs (which need one shared bucket, so cannot be
  // in the Distinct rules), get rules of their own and are excluded from the Distinct rules.
  const special = groups.filter(
    g =>
      g.clientIds.length > 1 || Object.keys(defined(g.rateLimits)).length > 0,
  );
  for (const group of special) {
    const limits = { ...base, ...defined(group.rateLimits) };
    for (const w of LIMIT_WINDOWS) {
      const value = limits[w.field];
      if (value !== undefined) rules.push(rule([budgetMatch(group)], value, w));
    }
  }
  const overridden = special.flatMap(g => g.clientIds);
  const baseWindows = LIMIT_WINDOWS.filter(w => base[w.field] !== undefined);
  if (baseWindows.length > 0 && overridden.length > MAX_EXCLUDED_CLIENTS) {
    throw new InputError(
      `keys: at most ${MAX_EXCLUDED_CLIENTS} keys can have their own rate limits or be in a rotation grace period (${overridden.length} are)`,
    );
  }
  const exclusions: HeaderMatch[] = overridden.map(clientId => ({
    ...exact(clientId),
    invert: true,
  }));
  for (const w of baseWindows) {
    rules.push(
      rule(
        [{ name: CLIENT_ID_HEADER, type: 'Distinct' }, ...exclusions],
        base[w.field]!,
        w,
      ),
    );
  }
  if (rules.length > MAX_GLOBAL_RULES) {
    throw new InputError(
      `rateLimits: a route allows at most ${MAX_GLOBAL_RULES} rate-limit rules and these limits need ${rules.length}; give fewer keys their own limits`,
    );
  }
  return { mode, rules };
}

/** The one BackendTrafficPolicy of the publication's route (the HTTPRoute, ours or AIGW's). */
export function buildBackendTrafficPolicy(
  input: BuildInput,
): BackendTrafficPolicy {
  const { head, spec } = routePolicy(input, 'BackendTrafficPolicy');
  const { mode, rules } = buildRateLimitRules(input);
  return {
    ...head,
    spec: {
      ...spec,
      // `rateLimit.type` is deprecated in v1.9: the global/local field alone says which.
      ...(rules.length > 0 ? { rateLimit: { [mode]: { rules } } } : {}),
    },
  };
}
