import type { OwnedObject } from '@model-publishing/plugin-model-publishing-common';
import type { KubeObject } from '../gateway/types';
import type { ObjectRef } from '../kubernetes/ClusterClient';

/** Kinds whose object makes a model reachable: created last, deleted first. */
export const ROUTE_KINDS = new Set(['HTTPRoute', 'AIGatewayRoute']);

/**
 * Every kind a publication may own, for label sweeps (orphans) — matches src/gateway's API table.
 * `optional`: only some publications have one (a deprecated LLM's EnvoyExtensionPolicy) and a cluster may
 * not serve the kind at all; a failed list of it is read as "none".
 */
export const MANAGED_KINDS: {
  apiVersion: string;
  kind: string;
  optional?: boolean;
}[] = [
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
  { apiVersion: 'aigateway.envoyproxy.io/v1beta1', kind: 'AIGatewayRoute' },
  {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'BackendTrafficPolicy',
  },
  { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'SecurityPolicy' },
  {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'EnvoyExtensionPolicy',
    optional: true,
  },
  { apiVersion: 'aigateway.envoyproxy.io/v1beta1', kind: 'AIServiceBackend' },
  { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'Backend' },
  { apiVersion: 'v1', kind: 'Secret' },
];

export function ownedRef(obj: KubeObject): OwnedObject {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace!,
    name: obj.metadata.name,
  };
}

export function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return (
    a.apiVersion === b.apiVersion &&
    a.kind === b.kind &&
    a.namespace === b.namespace &&
    a.name === b.name
  );
}

/** Splits apply-ordered objects into stages: everything but the route concurrently, then the route. */
export function applyStages<T extends { kind: string }>(objects: T[]): T[][] {
  const first = objects.filter(o => !ROUTE_KINDS.has(o.kind));
  const last = objects.filter(o => ROUTE_KINDS.has(o.kind));
  return [first, last].filter(stage => stage.length > 0);
}

/** An object as it can be sent again (create after delete): server-set fields removed. */
export function recreatable(obj: KubeObject): KubeObject {
  const {
    resourceVersion,
    uid,
    creationTimestamp,
    generation,
    managedFields,
    deletionTimestamp,
    ...metadata
  } = obj.metadata as KubeObject['metadata'] & {
    managedFields?: unknown;
    deletionTimestamp?: unknown;
  };
  void resourceVersion;
  void uid;
  void creationTimestamp;
  void generation;
  void managedFields;
  void deletionTimestamp;
  const { status, ...rest } = obj;
  void status;
  return { ...rest, metadata };
}

/**
 * True when every field of `desired` is present with the same value in `actual` (the API server adds
 * defaults, so a plain equality would report drift on every object).
 */
export function containsDesired(actual: unknown, desired: unknown): boolean {
  if (desired === null || typeof desired !== 'object')
    return actual === desired;
  if (Array.isArray(desired)) {
    return (
      Array.isArray(actual) &&
      actual.length === desired.length &&
      desired.every((d, i) => containsDesired(actual[i], d))
    );
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
    return false;
  return Object.entries(desired as Record<string, unknown>).every(([k, v]) =>
    v === undefined
      ? true
      : containsDesired((actual as Record<string, unknown>)[k], v),
  );
}

/** What drifted in a live object compared with what we built; undefined when it matches. */
export function describeDrift(
  desired: KubeObject,
  actual: KubeObject | undefined,
): string | undefined {
  const what = `${desired.kind} ${desired.metadata.namespace}/${desired.metadata.name}`;
  if (!actual) return `${what} is missing`;
  if (
    !containsDesired(
      actual.metadata.labels ?? {},
      desired.metadata.labels ?? {},
    )
  ) {
    return `${what} lost its labels`;
  }
  // Secret data belongs to the key service (rotation, revocation); only its presence is ours.
  if (desired.kind === 'Secret') return undefined;
  if (!containsDesired(actual.spec, desired.spec))
    return `${what} was changed outside the portal`;
  return undefined;
}
