import { Headers } from '../types';

/** The request as the model server receives it, after the gateway's rewrites. */
export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: Buffer;
}

export interface StubResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
  /** Server-sent events, written as they come (streaming completions). */
  stream?: AsyncIterable<string>;
}

export type StubHandler = (req: StubRequest) => Promise<StubResponse>;

/** A stand-in model server behind an in-cluster Service `<service>.<namespace>`. */
export interface ModelServerStub {
  /** `<service>.<namespace>`, the host a route's backendRef or Backend fqdn names. */
  host: string;
  handle: StubHandler;
}

export interface StubTiming {
  /** 1 = the latencies documented per stub; 0 = answer at once (tests, benchmarks). */
  latencyScale: number;
}

export const sleep = (ms: number) =>
  ms > 0 ? new Promise<void>(r => setTimeout(r, ms)) : Promise.resolve();

export function json(status: number, body: unknown, headers: Record<string, string> = {}): StubResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function parseJson(body: Buffer): { ok: true; value: any } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8') || 'null') };
  } catch (e) {
    return { ok: false, error: `invalid JSON body: ${(e as Error).message}` };
  }
}

/** A stable pseudo-random number in [0, 1) from a string (deterministic stub outputs). */
export function unitHash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) / 4294967296;
}
