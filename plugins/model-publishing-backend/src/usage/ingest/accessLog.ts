import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InputError } from '@backstage/errors';

/**
 * Envoy writes "-" (text) or null (JSON) for a missing value; counters may arrive as numbers or numeric
 * strings depending on the format string, so both are accepted.
 */
const missing = (v: unknown) => v === '-' || v === '' || v === null;
const numeric = (v: unknown) => {
  if (missing(v)) return undefined;
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
};

/**
 * Upper bounds of one request's counters: far above anything real, so a record beyond them is forged or
 * corrupt and the batch is refused (a 9e15-token record must not reach the rollups, costs or budgets).
 */
export const RECORD_BOUNDS = {
  /** Tokens of one request, each direction (the largest context windows are a few million). */
  tokens: 10_000_000,
  /** Duration of one request in ms (a day). */
  durationMs: 86_400_000,
  /** Bytes of one request or response (100 GB). */
  bytes: 100_000_000_000,
} as const;

const count = (what: string, max: number) =>
  z
    .preprocess(
      numeric,
      z
        .number({ error: `${what} must be a whole number` })
        .int(`${what} must be a whole number`)
        .min(0, `${what} must not be negative`)
        .max(max, `${what} must be at most ${max} for one request`)
        .optional(),
    )
    .optional();

const optionalText = (what: string, max: number) =>
  z
    .preprocess(
      v => (missing(v) ? undefined : v),
      z
        .string({ error: `${what} must be a string` })
        .max(max, `${what} must be at most ${max} characters`)
        .optional(),
    )
    .optional();

/** One Envoy JSON access-log record, in the format docs/usage.md configures. Unknown fields are ignored. */
export const accessLogRecordSchema = z.looseObject({
  start_time: z
    .string({ error: 'start_time is required (Envoy %START_TIME%)' })
    .refine(
      s => !Number.isNaN(Date.parse(s)),
      'start_time must be an ISO 8601 date-time',
    ),
  response_code: z.preprocess(
    numeric,
    z
      .number({ error: 'response_code must be an HTTP status code' })
      .int('response_code must be an HTTP status code')
      .min(0, 'response_code must be an HTTP status code')
      .max(599, 'response_code must be an HTTP status code'),
  ),
  response_flags: optionalText('response_flags', 256),
  response_code_details: optionalText('response_code_details', 1024),
  route_name: optionalText('route_name', 1024),
  client_id: optionalText('client_id', 80),
  request_id: optionalText('request_id', 256),
  input_tokens: count('input_tokens', RECORD_BOUNDS.tokens),
  output_tokens: count('output_tokens', RECORD_BOUNDS.tokens),
  llm_input_token: count('llm_input_token', RECORD_BOUNDS.tokens),
  llm_output_token: count('llm_output_token', RECORD_BOUNDS.tokens),
  duration: count('duration', RECORD_BOUNDS.durationMs),
  response_duration: count('response_duration', RECORD_BOUNDS.durationMs),
  bytes_received: count('bytes_received', RECORD_BOUNDS.bytes),
  bytes_sent: count('bytes_sent', RECORD_BOUNDS.bytes),
  upstream_host: optionalText('upstream_host', 1024),
  downstream_remote_address: optionalText('downstream_remote_address', 1024),
});

export type AccessLogRecord = z.output<typeof accessLogRecordSchema>;

/** What one record contributes, before it is attributed to a publication. */
export interface AccessLogEntry {
  /** Dedupe id: sha256 of the request id when present, else of the record's identifying fields. */
  id: string;
  at: number;
  clientId: string;
  routeName?: string;
  responseCode: number;
  inputTokens: number;
  outputTokens: number;
  /** %DURATION%: the whole request, in ms. */
  durationMs?: number;
  /** %RESPONSE_DURATION%: until the first byte of the upstream's response, in ms (LLMs: first token). */
  responseDurationMs?: number;
}

function describe(issue: z.core.$ZodIssue, index: number): string {
  const field = issue.path.map(String).join('.');
  return `records[${index}]${field ? `.${field}` : ''}: ${issue.message}`;
}

/**
 * Accepts `{ records: [...] }`, a bare JSON array, or NDJSON text. The whole batch is refused at the first
 * malformed record with a message naming its index and field, so nothing of a bad batch is ever stored.
 */
export function parseAccessLogBatch(
  body: unknown,
  maxRecords: number,
): AccessLogEntry[] {
  let records: unknown;
  if (typeof body === 'string') {
    records = body
      .split('\n')
      .filter(line => line.trim() !== '')
      .map((line, index) => {
        try {
          return JSON.parse(line);
        } catch {
          throw new InputError(
            `records[${index}]: line ${index + 1} is not valid JSON`,
          );
        }
      });
  } else if (Array.isArray(body)) {
    records = body;
  } else if (body && typeof body === 'object' && 'records' in body) {
    records = (body as { records: unknown }).records;
  } else {
    throw new InputError(
      'records: expected { "records": [...] }, a JSON array or NDJSON lines',
    );
  }
  if (!Array.isArray(records))
    throw new InputError('records: must be an array');
  if (records.length > maxRecords) {
    throw new InputError(
      `records: a batch may hold at most ${maxRecords} records, got ${records.length}`,
    );
  }
  const out: AccessLogEntry[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const parsed = accessLogRecordSchema.safeParse(records[i]);
    if (!parsed.success)
      throw new InputError(describe(parsed.error.issues[0], i));
    out[i] = toEntry(parsed.data);
  }
  return out;
}

function toEntry(r: AccessLogRecord): AccessLogEntry {
  const id = createHash('sha256')
    .update(
      r.request_id
        ? `rid\u0000${r.request_id}`
        : [
            r.start_time,
            r.response_code,
            r.response_flags,
            r.response_code_details,
            r.route_name,
            r.client_id,
            r.input_tokens ?? r.llm_input_token,
            r.output_tokens ?? r.llm_output_token,
            r.duration,
            r.bytes_received,
            r.bytes_sent,
            r.upstream_host,
            r.downstream_remote_address,
          ]
            .map(v => (v === undefined ? '' : String(v)))
            .join('\u0000'),
    )
    .digest('hex');
  return {
    id,
    at: Date.parse(r.start_time),
    clientId: r.client_id ?? '',
    routeName: r.route_name,
    responseCode: r.response_code,
    inputTokens: r.input_tokens ?? r.llm_input_token ?? 0,
    outputTokens: r.output_tokens ?? r.llm_output_token ?? 0,
    ...(r.duration !== undefined ? { durationMs: r.duration } : {}),
    ...(r.response_duration !== undefined
      ? { responseDurationMs: r.response_duration }
      : {}),
  };
}

/**
 * `httproute/<namespace>/<route>/rule/<n>/match/<m>/<host>` is how Envoy Gateway names routes (AI Gateway
 * routes go through an HTTPRoute of the same name); returns namespace and route name.
 */
export function parseRouteName(
  routeName: string | undefined,
): { namespace: string; route: string } | undefined {
  if (!routeName) return undefined;
  const m = /^httproute\/([^/]+)\/([^/]+)(?:\/|$)/.exec(routeName);
  return m ? { namespace: m[1], route: m[2] } : undefined;
}
