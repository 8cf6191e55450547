import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { CrdDefinition, JsonSchema } from '../crds';
import { ResourceRegistry, apiVersionOf, type ResourceType } from '../resources';
import { CelRuleEngine, type CelStats } from './cel';
import { pointerToFieldPath, type FieldError } from './fieldPath';
import { addKubernetesFormats } from './formats';
import { validateDataKeys, validateObjectMeta } from './metadata';
import { applyDefaultsAndPrune, toAjvSchema, type ConversionStats } from './structural';
import { validateEventNamespace } from './events';
import { validateWorkloadSelector } from './workloads';

export type { FieldError } from './fieldPath';

export interface ValidateOptions {
  /** The stored object, for update: binds `oldSelf` in transition rules. */
  oldObject?: unknown;
  /**
   * Fields the schema does not declare: 'error' reports them (like kubectl's default
   * `fieldValidation=Strict`), 'prune' drops them silently (the API server's default for API clients).
   * Default 'error'.
   */
  unknownFields?: 'error' | 'prune';
  /** Require metadata.name (or generateName). Default true. */
  requireName?: boolean;
}

export interface ValidationResult {
  valid: boolean;
  errors: FieldError[];
  /** A copy of the input with schema defaults applied and (with unknownFields 'prune') unknown fields dropped. */
  object: any;
  /** Paths of fields the schema does not declare. */
  unknownFields: string[];
}

export interface SchemaValidator {
  /** Validates an object against the schema of its apiVersion/kind. */
  validate(obj: unknown, options?: ValidateOptions): ValidationResult;
  /** Validates against a given served type (used by the server, which resolved the type from the URL). */
  validateAs(type: ResourceType, obj: unknown, options?: ValidateOptions): ValidationResult;
  readonly registry: ResourceRegistry;
  /** CEL rule statistics, including rules skipped because they could not compile. */
  celStats(): CelStats;
  /** Compiles every served schema and CEL rule now (otherwise done lazily per kind). */
  precompileAll(): void;
}

/** The field.ErrorTypes strategy.go's hasBlockingErr treats as blocking (NotSupported, Required, TooLong, TooMany, TypeInvalid). */
const BLOCKING_REASONS = new Set([
  'FieldValueNotSupported',
  'FieldValueRequired',
  'FieldValueTooLong',
  'FieldValueTooMany',
  'FieldValueTypeInvalid',
]);

/** strategy.go's `field.Invalid(nil, nil, …)`: a nil path prints as "<nil>", a nil value as "null". */
export const CEL_NOT_CHECKED: FieldError = {
  field: '<nil>',
  reason: 'FieldValueInvalid',
  message:
    'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
};

const withRules = new WeakMap<object, boolean>();

/** Whether any node of the schema carries `x-kubernetes-validations`. */
function hasCelRules(schema: JsonSchema | undefined): boolean {
  if (!schema || typeof schema !== 'object') return false;
  const known = withRules.get(schema);
  if (known !== undefined) return known;
  const found =
    Array.isArray(schema['x-kubernetes-validations']) ||
    Object.values(schema).some(v =>
      Array.isArray(v) ? v.some(i => typeof i === 'object' && hasCelRules(i)) : typeof v === 'object' && v !== null && hasCelRules(v),
    );
  withRules.set(schema, found);
  return found;
}

/**
 * Creates a validator for the given CRDs (plus the core/v1 kinds the emulator serves), doing what the
 * API server does: prune unknown fields, apply `default`s, check the OpenAPI v3 structural schema with
 * ajv, then evaluate `x-kubernetes-validations` CEL rules.
 */
export function createSchemaValidator(crds: CrdDefinition[], opts: { builtins?: boolean } = {}): SchemaValidator {
  const registry = new ResourceRegistry(crds, opts.builtins !== false);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, code: { optimize: false } });
  addKubernetesFormats(ajv);
  const cel = new CelRuleEngine();
  const compiled = new Map<string, ValidateFunction>();
  const conversion: ConversionStats = { droppedPatterns: [] };

  function compiledFor(type: ResourceType): ValidateFunction {
    const key = `${apiVersionOf(type)}|${type.kind}`;
    let fn = compiled.get(key);
    if (!fn) {
      fn = ajv.compile(toAjvSchema(type.schema ?? { type: 'object' }, conversion));
      compiled.set(key, fn);
      cel.precompile(type.schema);
    }
    return fn;
  }

  function validateAs(type: ResourceType, input: unknown, options: ValidateOptions = {}): ValidationResult {
    const obj = JSON.parse(JSON.stringify(input ?? null));
    const errors: FieldError[] = [];
    const unknown: string[] = [];
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      return { valid: false, errors: [{ field: '', reason: 'FieldValueTypeInvalid', message: 'must be an object' }], object: obj, unknownFields: [] };
    }
    const schema: JsonSchema | undefined = type.schema;
    errors.push(...validateObjectMeta(obj, { nameRule: type.nameRule, namespaced: type.namespaced, requireName: options.requireName !== false }));
    if (type.builtin && (type.kind === 'Secret' || type.kind === 'ConfigMap')) {
      errors.push(...validateDataKeys(obj, type.kind === 'Secret' ? ['data', 'stringData'] : ['data', 'binaryData']));
    }
    const mode = options.unknownFields ?? 'error';
    applyDefaultsAndPrune(obj, schema, '', { prune: mode === 'prune', unknown, errors, isRoot: true });
    if (mode === 'error') {
      for (const f of unknown) errors.push({ field: f, reason: 'FieldValueNotFound', message: `unknown field "${f}"` });
    }
    const fn = compiledFor(type);
    if (!fn(obj)) errors.push(...mapAjvErrors(fn.errors ?? [], obj));
    const old = options.oldObject && typeof options.oldObject === 'object' ? options.oldObject : undefined;
    // As apiextensions-apiserver's strategy.go (hasBlockingErr, kubernetes#108859): a type, required, enum
    // or size violation means the object lacks the shape the CEL rules were written for, so they are not
    // evaluated, and one error says so. Only a schema with rules has a CEL validator, so only then.
    if (hasCelRules(schema)) {
      if (errors.some(e => BLOCKING_REASONS.has(e.reason))) errors.push(CEL_NOT_CHECKED);
      else cel.validate(obj, old, schema, '', errors);
    }
    if (type.builtin) errors.push(...validateWorkloadSelector(type.kind, obj, old), ...validateEventNamespace(type.kind, obj));
    return { valid: errors.length === 0, errors: dedupe(errors), object: obj, unknownFields: unknown };
  }

  return {
    registry,
    validateAs,
    validate(input, options) {
      const o = input as any;
      if (!o || typeof o !== 'object' || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
        const errors: FieldError[] = [];
        if (typeof o?.apiVersion !== 'string') errors.push({ field: 'apiVersion', reason: 'FieldValueRequired', message: 'Required value' });
        if (typeof o?.kind !== 'string') errors.push({ field: 'kind', reason: 'FieldValueRequired', message: 'Required value' });
        return { valid: false, errors, object: input, unknownFields: [] };
      }
      const type = registry.forKind(o.apiVersion, o.kind);
      if (!type) {
        return {
          valid: false,
          errors: [{ field: 'kind', reason: 'FieldValueNotSupported', message: `Unsupported value: no kind "${o.kind}" is registered for version "${o.apiVersion}"` }],
          object: input,
          unknownFields: [],
        };
      }
      return validateAs(type, input, options);
    },
    celStats: () => cel.stats,
    precompileAll() {
      for (const t of registry.types) compiledFor(t);
    },
  };
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter(e => {
    const k = `${e.field}|${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function valueAt(obj: unknown, pointer: string): unknown {
  let node: any = obj;
  for (const raw of pointer.split('/').slice(1)) {
    node = node?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** Maps ajv errors to API-server style field errors (messages follow kube-openapi's wording). */
function mapAjvErrors(errs: ErrorObject[], data: unknown): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errs) {
    // Branch failures inside anyOf/oneOf/not are summarised by the combinator's own error.
    if (/\/(anyOf|oneOf|not)\//.test(e.schemaPath)) continue;
    const p = e.params as any;
    const value = valueAt(data, e.instancePath);
    const field = pointerToFieldPath(e.instancePath, data);
    const shown = JSON.stringify(value);
    switch (e.keyword) {
      case 'required': {
        const f = field ? `${field}.${p.missingProperty}` : p.missingProperty;
        out.push({ field: f, reason: 'FieldValueRequired', message: 'Required value' });
        break;
      }
      case 'type': {
        const t = typeName(value);
        const want = String(p.type).replace(/,/g, ' or ');
        out.push({ field, reason: 'FieldValueTypeInvalid', message: `Invalid value: "${t}": ${field} in body must be of type ${want}: "${t}"` });
        break;
      }
      case 'enum':
        out.push({
          field,
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: ${shown}: supported values: ${(p.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}`,
        });
        break;
      case 'pattern':
        out.push({ field, reason: 'FieldValueInvalid', message: `Invalid value: ${shown}: ${field} in body should match '${p.pattern}'` });
        break;
      case 'format':
        out.push({ field, reason: 'FieldValueInvalid', message: `Invalid value: ${shown}: ${field} in body must be of type ${p.format}: ${shown}` });
        break;
      case 'maxLength':
        out.push({ field, reason: 'FieldValueTooLong', message: `Too long: may not be more than ${p.limit} bytes` });
        break;
      case 'minLength':
        out.push({ field, reason: 'FieldValueInvalid', message: `Invalid value: ${shown}: ${field} in body should be at least ${p.limit} chars long` });
        break;
      case 'maxItems':
        out.push({ field, reason: 'FieldValueTooMany', message: `Too many: ${(value as unknown[]).length}: must have at most ${p.limit} items` });
        break;
      case 'minItems':
        out.push({ field, reason: 'FieldValueInvalid', message: `Invalid value: ${(value as unknown[]).length}: ${field} in body should have at least ${p.limit} items` });
        break;
      case 'maxProperties':
        out.push({ field, reason: 'FieldValueTooMany', message: `Too many: ${Object.keys(value as object).length}: must have at most ${p.limit} items` });
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const rel = { minimum: 'greater than or equal to', maximum: 'less than or equal to', exclusiveMinimum: 'greater than', exclusiveMaximum: 'less than' }[e.keyword];
        out.push({ field, reason: 'FieldValueInvalid', message: `Invalid value: ${shown}: ${field} in body should be ${rel} ${p.limit}` });
        break;
      }
      case 'uniqueItems':
        out.push({ field: `${field}[${p.j}]`, reason: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify((value as unknown[])[p.j])}` });
        break;
      default:
      {
        const brief = shown === undefined || shown.length > 100 ? `"${typeName(value)}"` : shown;
        out.push({ field, reason: 'FieldValueInvalid', message: `Invalid value: ${brief}: ${field || '<root>'} in body ${e.message}` });
      }
    }
  }
  return out;
}
