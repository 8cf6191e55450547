import type {
  AIGatewayRouteSpec,
  AIServiceBackendSpec,
  BackendSpec,
  BackendTrafficPolicySpec,
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
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: any;
  data?: any;
  stringData?: any;
  status?: any;
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

/** gateway.envoyproxy.io/v1alpha1 EnvoyExtensionPolicy, the fields we write (its Lua filters). */
export interface EnvoyExtensionPolicySpec {
  targetRefs: { group: string; kind: string; name: string }[];
  lua: {
    type: 'Inline' | 'ValueRef';
    inline?: string;
    valueRef?: { group: string; kind: string; name: string };
    filterContext?: Record<string, unknown>;
  }[];
}
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
