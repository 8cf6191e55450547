import type {
  AIGatewayRouteSpec,
  AIServiceBackendSpec,
  BackendSpec,
  BackendTrafficPolicySpec,
  EnvoyExtensionPolicySpec,
  HTTPRouteSpec,
  SecurityPolicySpec,
} from './crdTypes.generated';

export type * from './crdTypes.generated';

/** metav1.ObjectMeta, the fields this plugin reads or writes. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  [key: string]: unknown;
}

/**
 * Any Kubernetes object as read from a cluster (an InferenceService, a ServingRuntime, an object of
 * ours as it is now). Its body is whatever the server sent; readers narrow the fields they use.
 */
export type KubeObject<Spec = unknown, Status = unknown> = {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Spec;
  /** A Secret's or ConfigMap's data. */
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  status?: Status;
  type?: string;
};

/** A custom resource whose spec type is generated from its CRD (crdTypes.generated.ts). */
export interface CustomObject<Kind extends string, Spec> {
  apiVersion: string;
  kind: Kind;
  metadata: ObjectMeta;
  spec: Spec;
}

export type HTTPRoute = CustomObject<'HTTPRoute', HTTPRouteSpec>;
export type AIGatewayRoute = CustomObject<'AIGatewayRoute', AIGatewayRouteSpec>;
export type AIServiceBackend = CustomObject<
  'AIServiceBackend',
  AIServiceBackendSpec
>;
export type Backend = CustomObject<'Backend', BackendSpec>;
export type SecurityPolicy = CustomObject<'SecurityPolicy', SecurityPolicySpec>;
export type BackendTrafficPolicy = CustomObject<
  'BackendTrafficPolicy',
  BackendTrafficPolicySpec
>;

export type EnvoyExtensionPolicy = CustomObject<
  'EnvoyExtensionPolicy',
  EnvoyExtensionPolicySpec
>;

/** core/v1 Secret of a publication's keys (client id → base64 key). */
export interface KeySecret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: ObjectMeta;
  type: 'Opaque';
  data: Record<string, string>;
}

/** Every object a publication owns, as the gateway builders produce it. */
export type PublicationObject =
  | KeySecret
  | Backend
  | AIServiceBackend
  | SecurityPolicy
  | BackendTrafficPolicy
  | EnvoyExtensionPolicy
  | HTTPRoute
  | AIGatewayRoute;
