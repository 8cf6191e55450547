import { badRequest } from './errors';

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export type Selector = (labels: Record<string, string> | undefined) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map(t => t.trim()).filter(Boolean);
}

/** Parses a label selector (`a=b,c!=d,e in (x,y),f notin (z),g,!h`) as the API server does. */
export function parseLabelSelector(text: string | null | undefined): Selector {
  if (!text) return () => true;
  const reqs: Requirement[] = splitTerms(text).map(term => {
    let m = /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      return { op: m[2] as 'in' | 'notin', key: m[1], values: m[3].split(',').map(v => v.trim()).filter(Boolean) };
    }
    m = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=()]*)$/.exec(term);
    if (m) return { op: m[2] === '!=' ? 'neq' : 'eq', key: m[1], value: m[3] };
    m = /^!\s*([^\s!=()]+)$/.exec(term);
    if (m) return { op: 'notexists', key: m[1] };
    m = /^([^\s!=()]+)$/.exec(term);
    if (m) return { op: 'exists', key: m[1] };
    throw badRequest(`unable to parse requirement: found '${term}', expected a label selector requirement`);
  });
  return labels => {
    const l = labels ?? {};
    return reqs.every(r => {
      const has = Object.prototype.hasOwnProperty.call(l, r.key);
      switch (r.op) {
        case 'eq':
          return has && l[r.key] === r.value;
        case 'neq':
          return !has || l[r.key] !== r.value;
        case 'in':
          return has && r.values.includes(l[r.key]);
        case 'notin':
          return !has || !r.values.includes(l[r.key]);
        case 'exists':
          return has;
        default:
          return !has;
      }
    });
  };
}

/** Selectable fields read at a dotted path; unset fields compare as '' (so `spec.nodeName=` finds unscheduled pods), as on the real server. */
function pathFields(kind: string, paths: string[]): Record<string, (o: any) => string> {
  return Object.fromEntries(
    paths.map(path => [`${kind}|${path}`, (o: any) => path.split('.').reduce((v, k) => v?.[k], o) ?? '']),
  );
}

/** Field selectors supported per kind (every kind supports metadata.name and metadata.namespace). */
const EXTRA_FIELDS: Record<string, (o: any) => string | undefined> = {
  'Secret|type': o => o.type,
  'Namespace|status.phase': o => o.status?.phase,
  // The core/v1 Event fields the API server selects on (what `kubectl describe` and the Kubernetes tab use).
  ...pathFields('Event', [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'type',
  ]),
  // `source` is the legacy source.component, else the reporting controller, as on the real server.
  'Event|source': o => o.source?.component || o.reportingComponent || '',
  ...pathFields('Pod', [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ]),
  'ReplicaSet|status.replicas': o => String(o.status?.replicas ?? 0),
  'Job|status.successful': o => String(o.status?.successful ?? 0),
};

/** Parses a field selector; unsupported fields are a 400, as on the real server. */
export function parseFieldSelector(text: string | null | undefined, kind: string): (obj: any) => boolean {
  if (!text) return () => true;
  const tests = splitTerms(text).map(term => {
    const m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, field, op, value] = m;
    let get: (o: any) => string | undefined;
    if (field === 'metadata.name') get = o => o.metadata?.name;
    else if (field === 'metadata.namespace') get = o => o.metadata?.namespace ?? '';
    else if (EXTRA_FIELDS[`${kind}|${field}`]) get = EXTRA_FIELDS[`${kind}|${field}`];
    else throw badRequest(`field label not supported: ${field}`);
    return (o: any) => (op === '!=' ? get(o) !== value : get(o) === value);
  });
  return obj => tests.every(t => t(obj));
}
