import type { ServerResponse } from 'node:http';
import { StatusError, badRequest, invalid } from './errors';
import type { ObjectApi } from './objects';
import type { ResourceType } from './resources';
import type { FieldError } from './validation/fieldPath';

/**
 * Emulator extension: the log text of a Pod's containers comes from annotations on the Pod, since no
 * container ever runs. `logs.<container>` holds the output of the container's newest instance (the running
 * one, or the last one that ran); `previous-logs.<container>` the instance before it.
 */
export const LOGS_ANNOTATION_PREFIX = 'kube-emulator.dev/logs.';
export const PREVIOUS_LOGS_ANNOTATION_PREFIX = 'kube-emulator.dev/previous-logs.';

/** The `PodLogOptions` query parameters the emulator honours. */
export interface PodLogQuery {
  container?: string;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
  sinceTime?: number;
}

/** The API server's bool conversion for query parameters: present means true unless it spells false. */
function queryBool(q: URLSearchParams, key: string): boolean {
  const v = q.get(key);
  if (v === null) return false;
  return !['0', 'f', 'false', 'n', 'no', 'off'].includes(v.toLowerCase());
}

function queryInt(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null) return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

/** Decodes and validates `PodLogOptions` as the API server does (422 Invalid for out-of-range values). */
export function parsePodLogQuery(q: URLSearchParams, podName: string): PodLogQuery {
  const opts: PodLogQuery = {
    container: q.get('container') || undefined,
    previous: queryBool(q, 'previous'),
    timestamps: queryBool(q, 'timestamps'),
    tailLines: queryInt(q, 'tailLines'),
    limitBytes: queryInt(q, 'limitBytes'),
    sinceSeconds: queryInt(q, 'sinceSeconds'),
  };
  const sinceTime = q.get('sinceTime');
  if (sinceTime !== null) {
    const t = Date.parse(sinceTime);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(sinceTime) || Number.isNaN(t)) {
      throw badRequest(`parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
    }
    opts.sinceTime = t;
  }
  const errors: FieldError[] = [];
  if (opts.tailLines !== undefined && opts.tailLines < 0) {
    errors.push({ field: 'tailLines', reason: 'FieldValueInvalid', message: `Invalid value: ${opts.tailLines}: must be greater than or equal to 0` });
  }
  if (opts.limitBytes !== undefined && opts.limitBytes < 1) {
    errors.push({ field: 'limitBytes', reason: 'FieldValueInvalid', message: `Invalid value: ${opts.limitBytes}: must be greater than 0` });
  }
  if (opts.sinceSeconds !== undefined && opts.sinceTime !== undefined) {
    errors.push({ field: '', reason: 'FieldValueForbidden', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified' });
  } else if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1) {
    errors.push({ field: 'sinceSeconds', reason: 'FieldValueInvalid', message: `Invalid value: ${opts.sinceSeconds}: must be greater than 0` });
  }
  if (errors.length) throw invalid('PodLogOptions', { group: '', plural: 'pods', name: podName }, errors);
  return opts;
}

/** The kubelet words the two usual image failures itself. */
const WAITING_EXPLAINED: Record<string, string> = {
  ErrImagePull: "image can't be pulled",
  ImagePullBackOff: 'trying and failing to pull image',
};

/** The API server's container check (400s), then the kubelet's choice of container instance (400s too). */
function chooseInstance(pod: any, opts: PodLogQuery): { container: string; newest: boolean; startedAt?: string } | undefined {
  const name = pod.metadata.name;
  const spec = pod.spec ?? {};
  const all: string[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c: any) => c.name);
  let container = opts.container;
  if (!container) {
    const regular = spec.containers ?? [];
    if (regular.length === 1) container = regular[0].name as string;
    else if (regular.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    else throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
  } else if (!all.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  // A pod no node was assigned to has no kubelet to ask: the API server answers an empty log.
  if (!spec.nodeName) return undefined;

  const status = pod.status ?? {};
  const cs = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? []), ...(status.ephemeralContainerStatuses ?? [])].find(
    (s: any) => s?.name === container,
  );
  const kubelet = (message: string) => new StatusError(400, 'BadRequest', message);
  if (!cs) throw kubelet(`container "${container}" in pod "${name}" is not available`);
  const { waiting, running, terminated } = cs.state ?? {};
  const last = cs.lastState?.terminated;
  // Whether an instance newer than lastState exists, i.e. whether lastState is "the previous one".
  const hasCurrent = !!running || !!terminated?.containerID;
  if (opts.previous) {
    if (!last?.containerID) throw kubelet(`previous terminated container "${container}" in pod "${name}" not found`);
    return { container, newest: !hasCurrent, startedAt: last.startedAt };
  }
  if (running) return { container, newest: true, startedAt: running.startedAt };
  if (terminated) {
    if (terminated.containerID) return { container, newest: true, startedAt: terminated.startedAt };
    if (last?.containerID) return { container, newest: true, startedAt: last.startedAt };
    throw kubelet(`container "${container}" in pod "${name}" is terminated`);
  }
  if (last) {
    if (!last.containerID) throw kubelet(`container "${container}" in pod "${name}" is terminated`);
    return { container, newest: true, startedAt: last.startedAt };
  }
  if (waiting) {
    const why = WAITING_EXPLAINED[waiting.reason] ?? waiting.reason;
    throw kubelet(`container "${container}" in pod "${name}" is waiting to start: ${why}`);
  }
  throw kubelet(`container "${container}" in pod "${name}" is waiting to start - no logs yet`);
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) (.*)$/s;

/** The kubelet's `--timestamps` format: RFC 3339 in UTC with exactly nine fractional digits. */
function kubeletTime(text: string): { at: number; formatted: string } {
  const at = Date.parse(text);
  const m = /^(.{19})(?:\.(\d+))?Z$/.exec(text);
  if (m) return { at, formatted: `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z` };
  return { at, formatted: new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z') };
}

/**
 * The log lines of the chosen instance. A line may start with its own RFC 3339 timestamp and a space (as a
 * CRI log file and `kubectl logs --timestamps` have it); other lines take the time of the line before, the
 * first one the instance's start.
 */
function logLines(text: string, start: string): { at: number; stamp: string; line: string }[] {
  const parts = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  let time = kubeletTime(start);
  return parts.map(part => {
    const m = TIMESTAMP.exec(part);
    if (m && !Number.isNaN(Date.parse(m[1]))) {
      time = kubeletTime(m[1]);
      return { at: time.at, stamp: time.formatted, line: m[2] };
    }
    return { at: time.at, stamp: time.formatted, line: part };
  });
}

/** GET pods/{name}/log: the API server's and the kubelet's checks, then the annotation's text as text/plain. */
export function servePodLog(res: ServerResponse, api: ObjectApi, type: ResourceType, namespace: string | undefined, name: string, q: URLSearchParams): void {
  const opts = parsePodLogQuery(q, name);
  const pod = api.get(type, namespace, name);
  const chosen = chooseInstance(pod, opts);
  let body: Buffer = Buffer.alloc(0);
  if (chosen) {
    const annotations = pod.metadata.annotations ?? {};
    const text = String(annotations[`${chosen.newest ? LOGS_ANNOTATION_PREFIX : PREVIOUS_LOGS_ANNOTATION_PREFIX}${chosen.container}`] ?? '');
    let lines = logLines(text, chosen.startedAt ?? pod.status?.startTime ?? pod.metadata.creationTimestamp);
    // The kubelet seeks to the last tailLines lines first, then skips lines older than since.
    if (opts.tailLines !== undefined) lines = opts.tailLines === 0 ? [] : lines.slice(-opts.tailLines);
    const since = opts.sinceTime ?? (opts.sinceSeconds !== undefined ? Date.now() - opts.sinceSeconds * 1000 : undefined);
    if (since !== undefined) lines = lines.filter(l => l.at >= since);
    body = Buffer.from(lines.map(l => (opts.timestamps ? `${l.stamp} ${l.line}` : l.line)).join(''), 'utf8');
    // A byte limit, like the kubelet's, may cut a line (or a character) short.
    if (opts.limitBytes !== undefined) body = body.subarray(0, opts.limitBytes);
  }
  // `follow` ends with the text there is: nothing ever writes more.
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(body.length) });
  res.end(body);
}
