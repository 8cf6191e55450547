import { celEnv, celFunc, CelScalar, isCelError, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import net from 'node:net';
import type { JsonSchema } from '../crds';
import { childPath, indexPath, type FieldError } from './fieldPath';

type Program = (ctx: Record<string, unknown>) => unknown;

function isCidr(s: string): boolean {
  const m = /^(.+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const v = net.isIP(m[1]);
  const bits = Number(m[2]);
  if (v === 4) return bits <= 32;
  return v === 6 && bits <= 128;
}

function isUrl(s: string): boolean {
  try {
    return new URL(s).protocol.length > 1;
  } catch {
    return false;
  }
}

/** The Kubernetes CEL library functions that return booleans; object-returning ones (url(), ip()) are not provided. */
const kubernetesFuncs = [
  celFunc('isURL', [CelScalar.STRING], CelScalar.BOOL, (s: string) => isUrl(s)),
  celFunc('isIP', [CelScalar.STRING], CelScalar.BOOL, (s: string) => net.isIP(s) !== 0),
  celFunc('isCIDR', [CelScalar.STRING], CelScalar.BOOL, (s: string) => isCidr(s)),
];

export interface CelStats {
  /** Distinct rules seen. */
  rules: number;
  compiled: number;
  /** Rules that could not be parsed/planned; they are not enforced. */
  skipped: number;
  skippedRules: string[];
  /** Evaluations that raised an error (treated as passing, so valid objects are never refused by our gaps). */
  evalErrors: number;
}

/**
 * Compiles and evaluates `x-kubernetes-validations` rules. A rule that cannot compile is skipped and
 * counted rather than refusing objects, because the gap is ours, not the object's.
 */
export class CelRuleEngine {
  private readonly env = celEnv({ funcs: [...strings, ...kubernetesFuncs] });
  private readonly programs = new Map<string, Program | null>();
  readonly stats: CelStats = { rules: 0, compiled: 0, skipped: 0, skippedRules: [], evalErrors: 0 };

  compile(rule: string): Program | null {
    if (this.programs.has(rule)) return this.programs.get(rule)!;
    let program: Program | null = null;
    this.stats.rules++;
    try {
      program = plan(this.env, parse(rule)) as unknown as Program;
      this.stats.compiled++;
    } catch {
      this.stats.skipped++;
      this.stats.skippedRules.push(rule);
    }
    this.programs.set(rule, program);
    return program;
  }

  /** Compiles every rule found in a schema up front, so stats are known before any object is validated. */
  precompile(schema: JsonSchema | undefined): void {
    visitSchemas(schema, s => {
      for (const v of s['x-kubernetes-validations'] ?? []) {
        this.compile(v.rule);
        if (v.messageExpression) this.compile(v.messageExpression);
      }
    });
  }

  /** Evaluates all rules under `schema` against `value` (and `oldValue` for transition rules). */
  validate(value: unknown, oldValue: unknown, schema: JsonSchema | undefined, path: string, errors: FieldError[]): void {
    if (!schema || value === undefined) return;
    for (const v of schema['x-kubernetes-validations'] ?? []) {
      this.evalRule(v, value, oldValue, schema, path, errors);
    }
    if (Array.isArray(value)) {
      const items = schema.items;
      if (!items || Array.isArray(items)) return;
      const oldByKey = correlateList(oldValue, schema);
      value.forEach((item, i) =>
        this.validate(item, oldByKey?.(item), items, indexPath(path, i), errors),
      );
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    const old = oldValue !== null && typeof oldValue === 'object' && !Array.isArray(oldValue)
      ? (oldValue as Record<string, unknown>)
      : undefined;
    const addl = schema.additionalProperties;
    for (const k of Object.keys(obj)) {
      const child = schema.properties?.[k] ?? (addl && typeof addl === 'object' ? addl : undefined);
      if (child) this.validate(obj[k], old?.[k], child, childPath(path, k), errors);
    }
  }

  private evalRule(
    v: { rule: string; message?: string; messageExpression?: string; reason?: string; fieldPath?: string; optionalOldSelf?: boolean },
    value: unknown,
    oldValue: unknown,
    schema: JsonSchema,
    path: string,
    errors: FieldError[],
  ) {
    const program = this.compile(v.rule);
    if (!program) return;
    const usesOld = /\boldSelf\b/.test(v.rule);
    // Transition rules only run when there is an old value to compare with (we do not model optionalOldSelf).
    if (usesOld && oldValue === undefined) return;
    const ctx: Record<string, unknown> = { self: toCel(value, schema) };
    if (usesOld) ctx.oldSelf = toCel(oldValue, schema);
    let result: unknown;
    try {
      result = program(ctx);
    } catch {
      result = undefined;
    }
    if (result === true) return;
    if (result !== false) {
      this.stats.evalErrors++;
      return;
    }
    let message = v.message ?? `failed rule: ${v.rule}`;
    if (v.messageExpression) {
      const mp = this.compile(v.messageExpression);
      const m = mp ? safe(() => mp(ctx)) : undefined;
      if (typeof m === 'string' && m) message = m;
    }
    const field = v.fieldPath ? joinFieldPath(path, v.fieldPath) : path;
    errors.push({
      field,
      reason: v.reason ?? 'FieldValueInvalid',
      message: `Invalid value: "${describeType(value)}": ${message}`,
    });
  }
}

function joinFieldPath(path: string, fieldPath: string): string {
  const rel = fieldPath.startsWith('.') ? fieldPath.slice(1) : fieldPath;
  if (!path) return rel;
  return rel.startsWith('[') ? `${path}${rel}` : `${path}.${rel}`;
}

function safe(fn: () => unknown): unknown {
  try {
    const r = fn();
    return isCelError(r as any) ? undefined : r;
  } catch {
    return undefined;
  }
}

function describeType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function correlateList(oldValue: unknown, schema: JsonSchema): ((item: unknown) => unknown) | undefined {
  if (!Array.isArray(oldValue)) return undefined;
  const keys: string[] | undefined = schema['x-kubernetes-list-map-keys'];
  if (schema['x-kubernetes-list-type'] !== 'map' || !keys) return undefined;
  const id = (o: any) => JSON.stringify(keys.map(k => o?.[k] ?? null));
  const byId = new Map(oldValue.map(o => [id(o), o]));
  return item => byId.get(id(item));
}

/** Converts JSON into CEL input: objects become maps, integers (per schema) become CEL ints. */
export function toCel(value: unknown, schema: JsonSchema | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    const items = schema?.items && !Array.isArray(schema.items) ? schema.items : undefined;
    return value.map(v => toCel(v, items));
  }
  if (typeof value === 'object') {
    const m = new Map<string, unknown>();
    const addl = schema?.additionalProperties;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      m.set(k, toCel(v, schema?.properties?.[k] ?? (addl && typeof addl === 'object' ? addl : undefined)));
    }
    return m;
  }
  if (typeof value === 'number') {
    const intish =
      schema?.type === 'integer' || !!schema?.['x-kubernetes-int-or-string'] || (!schema?.type && Number.isInteger(value));
    return intish && Number.isInteger(value) ? BigInt(value) : value;
  }
  return value;
}

/** Calls `fn` for every schema node reachable from `schema`. */
export function visitSchemas(schema: JsonSchema | undefined, fn: (s: JsonSchema) => void): void {
  if (!schema || typeof schema !== 'object') return;
  fn(schema);
  for (const p of Object.values(schema.properties ?? {})) visitSchemas(p as JsonSchema, fn);
  if (schema.items && !Array.isArray(schema.items)) visitSchemas(schema.items, fn);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    visitSchemas(schema.additionalProperties, fn);
  }
}
