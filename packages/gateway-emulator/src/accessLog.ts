/**
 * One access-log record in the JSON format plugins/model-publishing-backend/docs/usage.md configures on
 * a real Envoy Gateway (EnvoyProxy `telemetry.accessLog` with a JSON format of these Envoy command operators). Missing
 * values are null, as Envoy writes them in JSON.
 */
export interface AccessLogRecord {
  /** %START_TIME% */
  start_time: string;
  /** %REQ(:METHOD)% */
  method: string;
  /** %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%: what the client asked for, before rewrites. */
  path: string;
  protocol: string;
  response_code: number;
  /** %RESPONSE_FLAGS%: NR no route, UH no healthy upstream, RL rate limited, '-' none. */
  response_flags: string;
  response_code_details: string;
  /** %ROUTE_NAME% */
  route_name: string | null;
  /** %REQ(X-CLIENT-ID)%: set by apiKeyAuth's forwardClientIDHeader. */
  client_id: string | null;
  /** %REQ(X-REQUEST-ID)% */
  request_id: string;
  /** %DYNAMIC_METADATA(io.envoy.ai_gateway:llm_input_token)% and friends. */
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  /** %DURATION% in ms. */
  duration: number;
  bytes_received: number;
  bytes_sent: number;
  upstream_host: string | null;
  authority: string;
  user_agent: string | null;
  downstream_remote_address: string | null;
}

export type AccessLogSink = (record: AccessLogRecord) => void;
