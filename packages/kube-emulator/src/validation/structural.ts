import type { JsonSchema } from '../crds';
import { childPath, indexPath, type FieldError } from './fieldPath';

/** Formats the emulator checks; others are ignored, as the API server ignores unknown formats. */
export const CHECKED_FORMATS = new Set([
  'byte',
  'date',
  'date-time',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'cidr',
  'mac',
  'uri',
  'uuid',
]);

const DROP_KEYS = new Set(['description', 'default', 'example', 'externalDocs', 'nullable']);

export interface ConversionStats {
  /** Patterns dropped because JavaScript cannot compile them. */
  droppedPatterns: string[];
}

/**
 * Converts a Kubernetes structural schema into a plain JSON Schema ajv understands: int-or-string
 * becomes a type union, `nullable` adds `null`, Kubernetes extensions and prose are dropped.
 * Unknown-field handling and defaults are done by `applyDefaultsAndPrune`, not by ajv.
 */
export function toAjvSchema(s: JsonSchema, stats: ConversionStats): JsonSchema {
  if (!s || typeof s !== 'object') return s;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-') || DROP_KEYS.has(k)) continue;
    if (k === 'properties' || k === 'patternProperties' || k === 'definitions') {
      out[k] = Object.fromEntries(
        Object.entries(v as JsonSchema).map(([pk, pv]) => [pk, toAjvSchema(pv, stats)]),
      );
    } else if (k === 'items') {
      out[k] = Array.isArray(v) ? v.map(i => toAjvSchema(i, stats)) : toAjvSchema(v, stats);
    } else if (k === 'additionalProperties' || k === 'not') {
      out[k] = typeof v === 'object' ? toAjvSchema(v, stats) : v;
    } else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') {
      out[k] = (v as JsonSchema[]).map(i => toAjvSchema(i, stats));
    } else if (k === 'format') {
      if (CHECKED_FORMATS.has(v)) out[k] = v;
    } else if (k === 'pattern') {
      if (compiles(v)) out[k] = v;
      else stats.droppedPatterns.push(v);
    } else {
      out[k] = v;
    }
  }
  if (s['x-kubernetes-int-or-string'] && !s.type) {
    out.type = ['integer', 'string'];
  }
  if (s.nullable) {
    if (out.type) out.type = [...(Array.isArray(out.type) ? out.type : [out.type]), 'null'];
    if (out.enum) out.enum = [...out.enum, null];
  }
  return out;
}

function compiles(pattern: string): boolean {
  try {
    // ajv compiles patterns with the unicode flag.
    // eslint-disable-next-line no-new
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Walks `value` (mutating it) as the API server does before validation: drops fields the schema does
 * not declare (recording their paths) and fills in schema `default`s, including for `null` values of
 * non-nullable fields. Also reports duplicates in `x-kubernetes-list-type: set|map` lists.
 */
export function applyDefaultsAndPrune(
  value: unknown,
  schema: JsonSchema | undefined,
  path: string,
  opts: { prune: boolean; unknown: string[]; errors: FieldError[]; isRoot?: boolean },
): void {
  if (!schema || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    checkListUniqueness(value, schema, path, opts.errors);
    const items = schema.items;
    if (items && !Array.isArray(items)) {
      value.forEach((v, i) => applyDefaultsAndPrune(v, items, indexPath(path, i), opts));
    }
    return;
  }
  if (!isPlainObject(value)) return;
  const props: JsonSchema | undefined = schema.properties;
  const addl = schema.additionalProperties;
  if (props) {
    for (const [k, ps] of Object.entries(props)) {
      if (ps && ps.default !== undefined && (value[k] === undefined || (value[k] === null && !ps.nullable))) {
        value[k] = clone(ps.default);
      }
    }
  }
  const keepsEnvelope = opts.isRoot || schema['x-kubernetes-embedded-resource'];
  const preserve = !!schema['x-kubernetes-preserve-unknown-fields'] || addl === true;
  for (const k of Object.keys(value)) {
    const childSchema: JsonSchema | undefined =
      props?.[k] ?? (isPlainObject(addl) ? (addl as JsonSchema) : undefined);
    if (childSchema) {
      // Root metadata is validated by the metadata rules, not pruned by the CRD schema.
      if (!(opts.isRoot && k === 'metadata')) {
        applyDefaultsAndPrune(value[k], childSchema, childPath(path, k), { ...opts, isRoot: false });
      }
    } else if (keepsEnvelope && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) {
      continue;
    } else if (!preserve && !schema['x-kubernetes-int-or-string']) {
      opts.unknown.push(childPath(path, k));
      if (opts.prune) delete value[k];
    }
  }
}

function checkListUniqueness(list: unknown[], schema: JsonSchema, path: string, errors: FieldError[]) {
  const listType = schema['x-kubernetes-list-type'];
  if (listType !== 'set' && listType !== 'map') return;
  const keys: string[] | undefined = schema['x-kubernetes-list-map-keys'];
  const itemDefaults: JsonSchema = schema.items?.properties ?? {};
  const seen = new Set<string>();
  list.forEach((item, i) => {
    let id: string;
    if (listType === 'map' && keys && isPlainObject(item)) {
      // Key fields may be defaulted (e.g. Service port protocol), so compare with defaults applied.
      id = JSON.stringify(keys.map(k => item[k] ?? itemDefaults[k]?.default ?? null));
    } else {
      id = JSON.stringify(item);
    }
    if (seen.has(id)) {
      const shown =
        listType === 'map' && keys && isPlainObject(item)
          ? `{${keys.map(k => `"${k}":${JSON.stringify(item[k] ?? itemDefaults[k]?.default ?? null)}`).join(',')}}`
          : JSON.stringify(item);
      errors.push({ field: indexPath(path, i), reason: 'FieldValueDuplicate', message: `Duplicate value: ${shown}` });
    }
    seen.add(id);
  });
}
