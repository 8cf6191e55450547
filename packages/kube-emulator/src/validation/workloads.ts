import type { FieldError } from './fieldPath';

/** A metav1.LabelSelector (matchLabels and matchExpressions). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

function expressionHolds(e: { key: string; operator: string; values?: string[] }, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, e.key);
  switch (e.operator) {
    case 'In':
      return has && (e.values ?? []).includes(labels[e.key]);
    case 'NotIn':
      return !has || !(e.values ?? []).includes(labels[e.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/** Whether `labels` satisfy a LabelSelector object, as the API server evaluates it. */
export function matchesLabelSelector(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return (
    Object.entries(selector.matchLabels ?? {}).every(([k, v]) => l[k] === v) &&
    (selector.matchExpressions ?? []).every(e => expressionHolds(e, l))
  );
}

const SELECTOR_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

function isObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The apps/v1 rules a schema cannot express: a non-empty selector that matches the pod template's
 * labels (otherwise the controller would adopt pods it does not create), immutable after create.
 * Missing fields are left to the schema's `required`.
 */
export function validateWorkloadSelector(kind: string, obj: any, oldObject?: any): FieldError[] {
  if (!SELECTOR_KINDS.has(kind)) return [];
  const spec = obj?.spec;
  if (!isObject(spec) || !isObject(spec.selector)) return [];
  const selector = spec.selector as LabelSelector;
  const errors: FieldError[] = [];
  if (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length) {
    errors.push({ field: 'spec.selector', reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(selector)}: empty selector is invalid for ${kind.toLowerCase()}` });
  } else if (isObject(spec.template)) {
    const labels = isObject(spec.template.metadata?.labels) ? spec.template.metadata.labels : {};
    if (!matchesLabelSelector(selector, labels)) {
      errors.push({ field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\`` });
    }
  }
  const oldSelector = oldObject?.spec?.selector;
  if (oldSelector !== undefined && JSON.stringify(oldSelector) !== JSON.stringify(selector)) {
    errors.push({ field: 'spec.selector', reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(selector)}: field is immutable` });
  }
  return errors;
}
