import type { KubeObject } from './objects';

/**
 * Narrowing readers of the fields this plugin reads from objects it does not build (InferenceServices,
 * LLMInferenceServices, Services, policies of others). Their bodies are whatever the server sent
 * (`unknown`): each reader checks the shape of what it returns, so a malformed object reads as absent.
 */

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at `path` under `value`, or undefined where a step is not an object. */
export function fieldAt(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

export const stringAt = (value: unknown, ...path: string[]) => {
  const found = fieldAt(value, ...path);
  return typeof found === 'string' ? found : undefined;
};

/** The objects of the array at `path` (anything else in it is skipped). */
export function recordsAt(value: unknown, ...path: string[]): Json[] {
  const found = fieldAt(value, ...path);
  return Array.isArray(found) ? found.filter(isRecord) : [];
}

export interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** status.conditions of any object. */
export function conditionsOf(obj: KubeObject): Condition[] {
  return recordsAt(obj.status, 'conditions').map(c => ({
    type: stringAt(c, 'type'),
    status: stringAt(c, 'status'),
    reason: stringAt(c, 'reason'),
    message: stringAt(c, 'message'),
  }));
}

// ---- InferenceService (serving.kserve.io/v1beta1) ---------------------------------------------

/** spec.predictor.model.runtime: the ServingRuntime the model names. */
export const predictorRuntime = (isvc: KubeObject) =>
  stringAt(isvc.spec, 'predictor', 'model', 'runtime');

export const hasTransformer = (isvc: KubeObject) =>
  Boolean(fieldAt(isvc.spec, 'transformer'));

/** status.deploymentMode, as KServe records it. */
export const recordedDeploymentMode = (isvc: KubeObject) =>
  stringAt(isvc.status, 'deploymentMode');

/** The URL KServe reports for a component: status.components.<c>.address.url, else .url. */
export const componentUrl = (isvc: KubeObject, component: string) =>
  stringAt(isvc.status, 'components', component, 'address', 'url') ??
  stringAt(isvc.status, 'components', component, 'url');

// ---- LLMInferenceService (serving.kserve.io/v1alpha2) -----------------------------------------

/** status.addresses[].url */
export const addressUrls = (isvc: KubeObject): string[] =>
  recordsAt(isvc.status, 'addresses').flatMap(a => stringAt(a, 'url') ?? []);

/** status.router.scheduler.inferencePool: the pool KServe reports. */
export function observedInferencePool(
  isvc: KubeObject,
): { name: string; namespace?: string } | undefined {
  const pool = fieldAt(isvc.status, 'router', 'scheduler', 'inferencePool');
  const name = stringAt(pool, 'name');
  return name ? { name, namespace: stringAt(pool, 'namespace') } : undefined;
}

/** spec.router.scheduler, when set: with the pool it references (pool.ref.name), if any. */
export function configuredScheduler(
  isvc: KubeObject,
): { poolRef?: string } | undefined {
  const scheduler = fieldAt(isvc.spec, 'router', 'scheduler');
  if (!scheduler) return undefined;
  return { poolRef: stringAt(scheduler, 'pool', 'ref', 'name') || undefined };
}

// ---- Service (core/v1) ------------------------------------------------------------------------

export interface ServicePort {
  port: number;
  name?: string;
  appProtocol?: string;
}

/** spec.ports of a Service. */
export const servicePorts = (service: KubeObject): ServicePort[] =>
  recordsAt(service.spec, 'ports').flatMap(p =>
    typeof p.port === 'number'
      ? [
          {
            port: p.port,
            name: stringAt(p, 'name'),
            appProtocol: stringAt(p, 'appProtocol'),
          },
        ]
      : [],
  );

// ---- Gateway API policies (policy attachment) -------------------------------------------------

export interface PolicyTargetRef {
  group?: string;
  kind?: string;
  name?: string;
  sectionName?: string;
}

/** spec.targetRefs plus the deprecated single spec.targetRef. */
export function policyTargetRefs(policy: KubeObject): PolicyTargetRef[] {
  const refs = recordsAt(policy.spec, 'targetRefs');
  const single = fieldAt(policy.spec, 'targetRef');
  if (isRecord(single)) refs.push(single);
  return refs.map(r => ({
    group: stringAt(r, 'group'),
    kind: stringAt(r, 'kind'),
    name: stringAt(r, 'name'),
    sectionName: stringAt(r, 'sectionName'),
  }));
}
