/** The slice of a Kubernetes object the gateway reads. Specs are read defensively: the cluster validated them. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    creationTimestamp?: string | Date;
    [k: string]: unknown;
  };
  spec?: any;
  data?: Record<string, string>;
  [k: string]: unknown;
}

/** The kinds a real Envoy Gateway + AI Gateway controller reads for our publications. */
export type WatchedKind =
  | 'HTTPRoute'
  | 'AIGatewayRoute'
  | 'SecurityPolicy'
  | 'BackendTrafficPolicy'
  | 'Backend'
  | 'AIServiceBackend'
  | 'EnvoyExtensionPolicy'
  | 'ConfigMap'
  | 'Secret';

/** What the cluster says right now: objects by kind, keyed `namespace/name`. */
export type ClusterSnapshot = Record<WatchedKind, Map<string, KubeObject>>;

export function emptySnapshot(): ClusterSnapshot {
  return {
    HTTPRoute: new Map(),
    AIGatewayRoute: new Map(),
    SecurityPolicy: new Map(),
    BackendTrafficPolicy: new Map(),
    Backend: new Map(),
    AIServiceBackend: new Map(),
    EnvoyExtensionPolicy: new Map(),
    ConfigMap: new Map(),
    Secret: new Map(),
  };
}

export const objectKey = (o: KubeObject) =>
  `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Request headers, lower-case names (Node's IncomingHttpHeaders shape). */
export type Headers = Record<string, string | string[] | undefined>;

export function header(headers: Headers, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
