import { InputError } from '@backstage/errors';
import {
  LABEL_MANAGED_BY,
  LABEL_PUBLICATION,
  MANAGED_BY_VALUE,
  hostnameSchema,
} from '@model-publishing/plugin-model-publishing-common';
import type { BuildInput, KubeObject } from './types';

/** API groups/versions of the objects we create (the storage versions of the CRDs we validate against). */
/** The apiVersion of each kind of object a publication creates. */
export const API_VERSIONS = {
  Secret: 'v1',
  Backend: 'gateway.envoyproxy.io/v1alpha1',
  SecurityPolicy: 'gateway.envoyproxy.io/v1alpha1',
  BackendTrafficPolicy: 'gateway.envoyproxy.io/v1alpha1',
  EnvoyExtensionPolicy: 'gateway.envoyproxy.io/v1alpha1',
  HTTPRoute: 'gateway.networking.k8s.io/v1',
  AIServiceBackend: 'aigateway.envoyproxy.io/v1beta1',
  AIGatewayRoute: 'aigateway.envoyproxy.io/v1beta1',
} as const;
export type PublicationObjectKind = keyof typeof API_VERSIONS;

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
export const ENVOY_GATEWAY_GROUP = 'gateway.envoyproxy.io';
/** Dynamic-metadata namespace where Envoy AI Gateway stores token counts (llmRequestCosts). */
export const AI_GATEWAY_METADATA_NAMESPACE = 'io.envoy.ai_gateway';
export const LLM_COST_KEYS = {
  input: 'llm_input_token',
  output: 'llm_output_token',
  total: 'llm_total_token',
} as const;
/** Header Envoy AI Gateway sets from the request body's `model`, used for routing. */
export const AI_MODEL_HEADER = 'x-ai-eg-model';

/**
 * Our objects' base name. KServe owns `<isvc>` and `<isvc>-predictor` HTTPRoutes: the `-mp`
 * suffix keeps us from ever overwriting them.
 */
export function objectName(isvcName: string): string {
  return `${isvcName}-mp`;
}

export function secretName(isvcName: string): string {
  return `${isvcName}-mp-keys`;
}

/** The path prefix a traditional model is published under on the shared public host. */
export function modelPathPrefix(namespace: string, name: string): string {
  return `/models/${namespace}/${name}`;
}

/** The hostname of an LLM publication: config.hostname, else the configured template. */
export function llmHostname(
  input: Pick<BuildInput, 'isvc' | 'config' | 'gateway'>,
): string {
  const { name, namespace } = input.isvc.metadata;
  const host =
    input.config.hostname ??
    input.gateway.llmHostnameTemplate
      .replace(/\{name\}/g, name)
      .replace(/\{namespace\}/g, namespace ?? '')
      .toLowerCase();
  const parsed = hostnameSchema.safeParse(host);
  if (!parsed.success) {
    throw new InputError(
      input.config.hostname
        ? `hostname: "${host}" is not a valid DNS name`
        : `hostname: the LLM hostname template gave "${host}", which is not a valid DNS name; set hostname explicitly`,
    );
  }
  return host;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Metadata shared by every object of a publication: namespace, labels, owner. */
export function objectMetadata(
  input: BuildInput,
  name: string,
): KubeObject['metadata'] {
  const { isvc, publicationId } = input;
  if (
    !publicationId ||
    publicationId.length > 63 ||
    !LABEL_VALUE.test(publicationId)
  ) {
    throw new InputError(
      `publicationId: "${publicationId}" cannot be a label value (at most 63 letters, digits, '-', '_', '.')`,
    );
  }
  if (!isvc.metadata.namespace) {
    throw new InputError(
      'isvc.metadata.namespace: the InferenceService has no namespace',
    );
  }
  if (!isvc.metadata.uid) {
    // Without a uid the ownerReference is invalid and the API server rejects the object.
    throw new InputError(
      'isvc.metadata.uid: the InferenceService has no uid (read it from the cluster)',
    );
  }
  return {
    name,
    namespace: isvc.metadata.namespace,
    labels: {
      [LABEL_MANAGED_BY]: MANAGED_BY_VALUE,
      [LABEL_PUBLICATION]: publicationId,
    },
    ownerReferences: [
      {
        apiVersion: isvc.apiVersion || 'serving.kserve.io/v1beta1',
        kind: isvc.kind || 'InferenceService',
        name: isvc.metadata.name,
        uid: isvc.metadata.uid,
        // Deleting the model deletes its publication, but nothing waits on our objects.
        blockOwnerDeletion: false,
      },
    ],
  };
}

/** parentRefs to the configured Gateway (and listener). */
export function gatewayParentRefs(input: BuildInput) {
  const { name, namespace, sectionName } = input.gateway;
  return [
    {
      group: GATEWAY_API_GROUP,
      kind: 'Gateway',
      name,
      namespace,
      ...(sectionName ? { sectionName } : {}),
    },
  ];
}

/**
 * Why a publication of `isvcName` cannot use its names, when another model in the namespace is
 * named `<isvcName>-mp`: KServe names that model's HTTPRoutes `<isvcName>-mp` (and
 * `<isvcName>-mp-predictor`), the name our route — and the HTTPRoute AI Gateway generates for our
 * AIGatewayRoute — would have, so our SecurityPolicy and BackendTrafficPolicy would attach to the
 * other model's route. `models`: InferenceServices and LLMInferenceServices of the namespace.
 */
export function nameCollision(
  isvc: KubeObject,
  models: KubeObject[],
): string | undefined {
  const taken = objectName(isvc.metadata.name);
  const other = models.find(
    m =>
      m.metadata.name === taken &&
      (m.metadata.namespace ?? isvc.metadata.namespace) ===
        isvc.metadata.namespace,
  );
  if (!other) return undefined;
  return `${other.kind ?? 'InferenceService'} ${
    isvc.metadata.namespace
  }/${taken} exists, and KServe names its routes after it (HTTPRoute ${taken}): that is the name a publication of ${
    isvc.metadata.name
  } gives its route and policies, so they would attach to the other model's route. Rename one of the two models to publish ${
    isvc.metadata.name
  }`;
}

/**
 * Says whose an existing object is that a publication wanted to create (for the 409): the model
 * that owns it (KServe's own objects), another publication, or someone else.
 */
export function describeExistingOwner(existing: KubeObject): string {
  const owner = existing.metadata.ownerReferences?.find(
    o => o.kind === 'InferenceService' || o.kind === 'LLMInferenceService',
  );
  const labels = existing.metadata.labels ?? {};
  if (labels[LABEL_MANAGED_BY] === MANAGED_BY_VALUE) {
    return `it belongs to publication ${
      labels[LABEL_PUBLICATION] ?? '(unknown)'
    }, which is still live`;
  }
  if (owner) {
    return `it belongs to ${owner.kind} ${existing.metadata.namespace}/${owner.name} (KServe names its objects after the model, and ${owner.name} ends in -mp like the names a publication uses)`;
  }
  return 'it was not created by model publishing (no app.kubernetes.io/managed-by label)';
}

/** The apiVersion, kind and metadata (objectMetadata) of the publication's object of `kind` named `name`. */
export function objectHead<K extends PublicationObjectKind>(
  input: BuildInput,
  kind: K,
  name: string,
) {
  return {
    apiVersion: API_VERSIONS[kind],
    kind,
    metadata: objectMetadata(input, name),
  };
}

/**
 * A policy on the publication's route (our HTTPRoute, or the one Envoy AI Gateway generates for the
 * AIGatewayRoute under the same name): its head, and its spec's route and merge. With a Gateway-level
 * policy of the same kind (input.mergeWithGateway) it merges, or the Gateway's would stop applying.
 */
export function routePolicy<
  K extends 'SecurityPolicy' | 'BackendTrafficPolicy' | 'EnvoyExtensionPolicy',
>(input: BuildInput, kind: K) {
  const name = objectName(input.isvc.metadata.name);
  const merges: Partial<Record<string, boolean>> = input.mergeWithGateway ?? {};
  return {
    head: objectHead(input, kind, name),
    spec: {
      targetRefs: [{ group: GATEWAY_API_GROUP, kind: 'HTTPRoute', name }],
      ...(merges[kind] ? { mergeType: 'StrategicMerge' as const } : {}),
    },
  };
}
