export interface RequestMatcher {
  /** HTTP method, case-insensitive; any when omitted. */
  method?: string;
  /** Tested against the request path (no query). A string matches as a substring. */
  pathPattern?: RegExp | string;
}

export interface FailNthOptions extends RequestMatcher {
  /** Fail the n-th matching request (1-based, counted from when the rule is added). */
  n: number;
  status: number;
  /** metav1.Status reason; defaults from the status code (e.g. 500 → InternalError). */
  reason?: string;
  message?: string;
  /** Keep failing every matching request from the n-th on (default: only the n-th). */
  persistent?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  /** Content-Type of the request body, if any (tells patch kinds apart). */
  contentType?: string;
  durationMs: number;
  /** When the response finished (epoch ms). */
  time: number;
  /** When the request arrived (epoch ms, sub-millisecond): with durationMs, tells overlapping requests apart. */
  startTime: number;
}

export interface Faults {
  /** Delay every matching request by `ms` before it is handled. */
  latency(ms: number, matcher?: RequestMatcher): void;
  /** Fail the n-th request matching method/path with `status`. */
  failNth(options: FailNthOptions): void;
  /** Remove every latency and failure rule. */
  clear(): void;
}

const DEFAULT_REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Expired',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function matches(m: RequestMatcher | undefined, method: string, path: string): boolean {
  if (!m) return true;
  if (m.method && m.method.toUpperCase() !== method.toUpperCase()) return false;
  if (m.pathPattern === undefined) return true;
  return typeof m.pathPattern === 'string' ? path.includes(m.pathPattern) : m.pathPattern.test(path);
}

/** Latency and failure injection, consulted by the server before each request is handled. */
export class FaultInjector implements Faults {
  private latencies: { ms: number; matcher?: RequestMatcher }[] = [];
  private failures: (FailNthOptions & { seen: number })[] = [];

  latency(ms: number, matcher?: RequestMatcher): void {
    this.latencies.push({ ms, matcher });
  }

  failNth(options: FailNthOptions): void {
    if (!(options.n >= 1)) throw new Error('failNth: n must be >= 1');
    this.failures.push({ ...options, seen: 0 });
  }

  clear(): void {
    this.latencies = [];
    this.failures = [];
  }

  delayFor(method: string, path: string): number {
    return this.latencies.filter(l => matches(l.matcher, method, path)).reduce((a, l) => a + l.ms, 0);
  }

  /** Counts the request against failure rules; returns the failure to inject, if any. */
  failureFor(method: string, path: string): { status: number; reason: string; message: string } | undefined {
    let hit: { status: number; reason: string; message: string } | undefined;
    for (const f of this.failures) {
      if (!matches(f, method, path)) continue;
      f.seen++;
      if (!hit && (f.seen === f.n || (f.persistent && f.seen >= f.n))) {
        hit = {
          status: f.status,
          reason: f.reason ?? DEFAULT_REASONS[f.status] ?? 'InternalError',
          message: f.message ?? `injected failure: ${method} ${path} (request ${f.seen})`,
        };
      }
    }
    return hit;
  }
}
