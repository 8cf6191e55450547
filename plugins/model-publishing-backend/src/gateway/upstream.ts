import { createHash } from 'crypto';
import { UnprocessableError } from '../errors';
import type { KubeObject } from './types';
import {
  addressUrls,
  componentUrl,
  configuredScheduler,
  hasTransformer,
  observedInferencePool,
  recordedDeploymentMode,
  servicePorts,
} from '../kubernetes/readers';

/**
 * What the cluster says about how KServe serves a model, besides the model object itself. The
 * publishing service reads it; every field is optional (a cluster may not let us read it).
 */
export interface ServingFacts {
  /** `data` of KServe's `inferenceservice-config` ConfigMap (KServe's namespace), when readable. */
  inferenceServiceConfig?: Record<string, string>;
  /** An LLMInferenceService's `<name>-kserve-workload-svc` Service, when it exists. */
  workloadService?: KubeObject;
}

/** Where the gateway sends a publication's requests. */
export type Upstream =
  /** A ClusterIP Service, referenced directly by the HTTPRoute (KServe Standard mode). */
  | { type: 'Service'; name: string; port: number }
  /**
   * An Envoy Gateway Backend by DNS name. `hostHeader`: the Host the upstream routes on (Knative's
   * gateway), which the route rewrites to. `tls`: originate TLS, trusting the CA in that Secret.
   */
  | {
      type: 'FQDN';
      hostname: string;
      port: number;
      hostHeader?: string;
      tls?: { caSecret: string; sni: string };
    }
  /** The InferencePool of an LLMInferenceService's scheduler (endpoint picker). */
  | { type: 'InferencePool'; name: string };

export type KServeMode = 'Standard' | 'Knative' | 'ModelMesh';

export interface ResolvedUpstream {
  upstream: Upstream;
  /** How KServe serves it: a deployment mode, or an LLMInferenceService. */
  servedAs: KServeMode | 'LLMInferenceService';
  /** What was decided from what, for the dry run (never secrets). */
  notes: string[];
}

// ---- KServe names and config (kserve v0.20) ------------------------------------------------

const LONGEST = 63;
const HEAD = LONGEST - 32;

/**
 * knative.dev/pkg/kmeta ChildName, which KServe uses for every child object's name: the parent
 * and suffix, or, when that is over 63 characters, a prefix of the parent, its MD5 and the suffix.
 * (Our suffixes are far shorter than 31 characters, the only case kmeta treats differently.)
 */
export function childName(parent: string, suffix: string): string {
  if (parent.length <= LONGEST - suffix.length) return parent + suffix;
  const md5 = createHash('md5').update(parent).digest('hex');
  return `${parent.slice(0, HEAD - suffix.length)}${md5}${suffix}`;
}

function parseJsonKey(
  config: Record<string, string> | undefined,
  key: string,
): Record<string, unknown> | undefined {
  const raw = config?.[key];
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** constants.ParseDeploymentMode: legacy names map to the current ones; '' is not a mode here. */
function normalizeMode(mode: unknown): KServeMode | string | undefined {
  if (typeof mode !== 'string' || !mode) return undefined;
  if (mode === 'RawDeployment') return 'Standard';
  if (mode === 'Serverless') return 'Knative';
  return mode;
}

const MODES = new Set(['Standard', 'Knative', 'ModelMesh']);

/**
 * The deployment mode of an InferenceService as KServe decides it (pkg/controller/v1beta1/
 * inferenceservice/utils/utils.go GetDeploymentMode): the mode recorded in status.deploymentMode,
 * else a valid `serving.kserve.io/deploymentMode` annotation, else the cluster default
 * `deploy.defaultDeploymentMode` of inferenceservice-config. When none of these is known, KServe's
 * `DefaultDeployment` (Standard).
 */
export function deploymentMode(
  isvc: KubeObject,
  config?: Record<string, string>,
): { mode: KServeMode; from: string } {
  const recorded = normalizeMode(recordedDeploymentMode(isvc));
  if (recorded && MODES.has(recorded)) {
    return { mode: recorded as KServeMode, from: 'status.deploymentMode' };
  }
  const annotated = normalizeMode(
    isvc.metadata.annotations?.['serving.kserve.io/deploymentMode'],
  );
  if (annotated && MODES.has(annotated)) {
    return {
      mode: annotated as KServeMode,
      from: 'the serving.kserve.io/deploymentMode annotation',
    };
  }
  const fallback = normalizeMode(
    parseJsonKey(config, 'deploy')?.defaultDeploymentMode,
  );
  if (fallback && MODES.has(fallback)) {
    return {
      mode: fallback as KServeMode,
      from: "inferenceservice-config's deploy.defaultDeploymentMode",
    };
  }
  return {
    mode: 'Standard',
    from: "KServe's default (no status.deploymentMode, annotation or readable inferenceservice-config)",
  };
}

function hostOf(url: unknown): { host: string; scheme: string } | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const u = new URL(url);
    return { host: u.hostname, scheme: u.protocol.replace(':', '') };
  } catch {
    return undefined;
  }
}

// ---- InferenceService -----------------------------------------------------------------------

function inferenceServiceUpstream(
  isvc: KubeObject,
  facts: ServingFacts,
): ResolvedUpstream {
  const { name, namespace } = isvc.metadata;
  const { mode, from } = deploymentMode(isvc, facts.inferenceServiceConfig);
  // With a transformer, requests enter at the transformer, which calls the predictor.
  const component = hasTransformer(isvc) ? 'transformer' : 'predictor';
  const modeNote = `deployment mode ${mode} (from ${from})`;
  if (mode === 'ModelMesh') {
    throw new UnprocessableError(
      `InferenceService ${namespace}/${name} is served by ModelMesh (${from}); ModelMesh models share the modelmesh-serving Service and are addressed by a model-id header, which publishing does not support: deploy it in Standard (RawDeployment) or Knative mode`,
    );
  }
  if (mode === 'Standard') {
    return {
      upstream: { type: 'Service', name: `${name}-${component}`, port: 80 },
      servedAs: mode,
      notes: [`${modeNote}: the ${component} Service ${name}-${component}:80`],
    };
  }
  // Knative: `<isvc>-<component>` is an ExternalName Service that points at Knative's local
  // gateway, which routes by Host. Envoy Gateway refuses ExternalName Services as backends
  // (internal/gatewayapi/route.go: "use an Envoy Gateway Backend with FQDN endpoint"), so the
  // route goes to a Backend with the component's cluster-local hostname and sends that Host.
  const address = hostOf(componentUrl(isvc, component));
  if (!address) {
    throw new UnprocessableError(
      `InferenceService ${namespace}/${name} runs in Knative (Serverless) mode (${from}) but its status has no ${component} address (status.components.${component}.address.url) yet, so its in-cluster address is unknown; publish it once KServe reports it`,
    );
  }
  if (address.scheme !== 'http') {
    throw new UnprocessableError(
      `InferenceService ${namespace}/${name}: Knative serves its ${component} at ${address.scheme}://${address.host} (system-internal TLS); publishing supports Knative's plain-HTTP cluster-local gateway only`,
    );
  }
  return {
    upstream: {
      type: 'FQDN',
      hostname: address.host,
      port: 80,
      hostHeader: address.host,
    },
    servedAs: mode,
    notes: [
      `${modeNote}: the ${component}'s Knative address ${address.host}:80 (status.components.${component}.address.url), reached through Knative's local gateway with that Host`,
    ],
  };
}

// ---- LLMInferenceService --------------------------------------------------------------------

/** The workload Service's port 8000 speaks HTTPS (workload.go names it and sets its appProtocol "https"). */
function workloadTls(
  isvc: KubeObject,
  facts: ServingFacts,
  serviceName: string,
): { tls: boolean; from: string } {
  const ports = facts.workloadService
    ? servicePorts(facts.workloadService)
    : [];
  const port = ports.find(p => p.port === 8000) ?? ports[0];
  if (port) {
    const protocol = String(port.appProtocol ?? port.name ?? '').toLowerCase();
    if (protocol === 'https' || protocol === 'http') {
      return {
        tls: protocol === 'https',
        from: `Service ${serviceName} port ${port.port} appProtocol ${protocol}`,
      };
    }
  }
  const ingress = parseJsonKey(facts.inferenceServiceConfig, 'ingress');
  if (ingress && 'enableLLMInferenceServiceTLS' in ingress) {
    return {
      tls: ingress.enableLLMInferenceServiceTLS === true,
      from: `inferenceservice-config ingress.enableLLMInferenceServiceTLS=${ingress.enableLLMInferenceServiceTLS}`,
    };
  }
  const own = addressUrls(isvc)
    .map(hostOf)
    .find(a => a?.host.startsWith(`${serviceName}.`));
  if (own) {
    return {
      tls: own.scheme === 'https',
      from: `status.addresses (${own.scheme}://${own.host})`,
    };
  }
  return {
    tls: false,
    from: 'nothing says TLS is on (KServe default: enableLLMInferenceServiceTLS unset)',
  };
}

/**
 * The InferencePool of the LLMInferenceService's scheduler: the one KServe reports in
 * status.router.scheduler.inferencePool, else the one spec.router.scheduler implies
 * (SchedulerSpec.InferencePoolName: pool.ref.name, else `<name>-inference-pool`).
 */
function schedulerPool(
  isvc: KubeObject,
): { name: string; from: string } | undefined {
  const observed = observedInferencePool(isvc);
  if (
    observed &&
    (!observed.namespace || observed.namespace === isvc.metadata.namespace)
  ) {
    return {
      name: observed.name,
      from: 'status.router.scheduler.inferencePool',
    };
  }
  const scheduler = configuredScheduler(isvc);
  if (!scheduler) return undefined;
  if (scheduler.poolRef)
    return { name: scheduler.poolRef, from: 'spec.router.scheduler.pool.ref' };
  return {
    name: childName(isvc.metadata.name, '-inference-pool'),
    from: 'spec.router.scheduler (KServe names its pool <name>-inference-pool)',
  };
}

function llmUpstream(isvc: KubeObject, facts: ServingFacts): ResolvedUpstream {
  const { name, namespace } = isvc.metadata;
  const service = childName(name, '-kserve-workload-svc');
  const hostname = `${service}.${namespace}.svc.cluster.local`;
  const pool = schedulerPool(isvc);
  const { tls, from } = workloadTls(isvc, facts, service);
  if (pool && !tls) {
    return {
      upstream: { type: 'InferencePool', name: pool.name },
      servedAs: 'LLMInferenceService',
      notes: [
        `scheduler: InferencePool ${pool.name} (from ${pool.from}); the endpoint picker chooses the replica`,
        `workload TLS off (from ${from})`,
      ],
    };
  }
  const notes = [
    `workload ${hostname}:8000 over ${tls ? 'HTTPS' : 'HTTP'} (from ${from})`,
  ];
  if (tls) {
    notes.push(
      `TLS verified with ca.crt of Secret ${childName(
        name,
        '-kserve-self-signed-certs',
      )} (KServe's self-signed workload certificate, workload_tls_self_signed.go), SNI ${hostname}`,
    );
  }
  if (pool) {
    // ai-gateway v1.1 internal/extensionserver/inferencepool.go builds TLS only for the endpoint
    // picker's cluster; the pool's endpoints get plain HTTP, which an HTTPS workload refuses.
    notes.push(
      `scheduler bypassed: InferencePool ${pool.name} exists (from ${pool.from}), but Envoy AI Gateway v1.1 cannot originate TLS to InferencePool endpoints, so requests go to the workload Service (Kubernetes load balancing, no endpoint picker)`,
    );
  }
  return {
    upstream: {
      type: 'FQDN',
      hostname,
      port: 8000,
      ...(tls
        ? {
            tls: {
              caSecret: childName(name, '-kserve-self-signed-certs'),
              sni: hostname,
            },
          }
        : {}),
    },
    servedAs: 'LLMInferenceService',
    notes,
  };
}

/**
 * Where a publication's requests go, decided from the model object, its status and KServe's
 * config in the cluster (see docs/kserve-modes.md).
 */
export function resolveUpstream(
  isvc: KubeObject,
  facts: ServingFacts = {},
): ResolvedUpstream {
  return isvc.kind === 'LLMInferenceService'
    ? llmUpstream(isvc, facts)
    : inferenceServiceUpstream(isvc, facts);
}
