import type { FieldError } from './fieldPath';

export type NameRule = 'subdomain' | 'label' | 'dns1035';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

function invalid(field: string, value: unknown, message: string): FieldError {
  return { field, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${message}` };
}

export function checkName(name: string, rule: NameRule, field: string): FieldError[] {
  if (rule === 'label' || rule === 'dns1035') {
    const re = rule === 'label' ? LABEL : DNS1035;
    if (name.length > 63) return [invalid(field, name, 'must be no more than 63 characters')];
    if (!re.test(name)) {
      const what = rule === 'label' ? 'a lowercase RFC 1123 label' : 'a DNS-1035 label';
      const start = rule === 'label' ? 'an alphanumeric character' : 'an alphabetic character';
      return [
        invalid(field, name, `${what} must consist of lower case alphanumeric characters or '-', and must start with ${start} and end with an alphanumeric character (regex used for validation is '${re.source.slice(1, -1)}')`),
      ];
    }
    return [];
  }
  if (name.length > 253) return [invalid(field, name, 'must be no more than 253 characters')];
  if (!SUBDOMAIN.test(name)) {
    return [
      invalid(field, name, `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${SUBDOMAIN.source.slice(1, -1)}')`),
    ];
  }
  return [];
}

function checkQualifiedName(key: string, field: string): FieldError[] {
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix, n] = parts;
    name = n;
    if (!prefix || prefix.length > 253 || !SUBDOMAIN.test(prefix)) {
      return [invalid(field, key, 'prefix part must be a lowercase RFC 1123 subdomain')];
    }
  } else if (parts.length > 2) {
    return [invalid(field, key, "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'")];
  }
  if (!name || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return [invalid(field, key, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters")];
  }
  return [];
}

/** ObjectMeta rules the API server applies to every object (name, namespace, labels, annotations). */
export function validateObjectMeta(obj: any, opts: { nameRule: NameRule; namespaced: boolean; requireName: boolean }): FieldError[] {
  const errors: FieldError[] = [];
  const md = obj?.metadata;
  if (md === undefined || md === null || typeof md !== 'object' || Array.isArray(md)) {
    return [{ field: 'metadata', reason: 'FieldValueRequired', message: 'Required value' }];
  }
  if (md.name !== undefined && typeof md.name !== 'string') {
    errors.push(invalid('metadata.name', md.name, 'must be a string'));
  } else if (md.name) {
    errors.push(...checkName(md.name, opts.nameRule, 'metadata.name'));
  } else if (opts.requireName && !md.generateName) {
    errors.push({ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' });
  }
  if (!opts.namespaced && md.namespace) {
    errors.push({ field: 'metadata.namespace', reason: 'FieldValueForbidden', message: 'Forbidden: not allowed on this type' });
  }
  if (opts.namespaced && md.namespace) errors.push(...checkName(md.namespace, 'label', 'metadata.namespace'));
  for (const [key, field] of [['labels', 'metadata.labels'], ['annotations', 'metadata.annotations']] as const) {
    const map = md[key];
    if (map === undefined || map === null) continue;
    if (typeof map !== 'object' || Array.isArray(map)) {
      errors.push(invalid(field, map, 'must be a map of strings'));
      continue;
    }
    for (const [k, v] of Object.entries(map)) {
      errors.push(...checkQualifiedName(k, field));
      if (typeof v !== 'string') {
        errors.push(invalid(`${field}.${k}`, v, 'must be a string'));
      } else if (key === 'labels' && (v.length > 63 || !LABEL_VALUE.test(v))) {
        errors.push(invalid(field, v, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters"));
      }
    }
    if (key === 'annotations' && JSON.stringify(map).length > 256 * 1024) {
      errors.push({ field, reason: 'FieldValueTooLong', message: 'Too long: must have at most 262144 bytes' });
    }
  }
  return errors;
}

/** Keys of Secret/ConfigMap data must be valid config keys. */
export function validateDataKeys(obj: any, fields: string[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const f of fields) {
    const map = obj?.[f];
    if (!map || typeof map !== 'object') continue;
    for (const k of Object.keys(map)) {
      if (k.length > 253 || !CONFIG_KEY.test(k)) {
        errors.push(invalid(`${f}[${k}]`, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"));
      }
    }
  }
  return errors;
}
