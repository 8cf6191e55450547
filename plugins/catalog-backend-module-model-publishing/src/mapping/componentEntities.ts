import type { ComponentEntityV1alpha1 } from '@backstage/catalog-model';
import {
  ANNOTATION_CLUSTER,
  ANNOTATION_DETECTED_CONFIDENCE,
  ANNOTATION_DETECTED_KIND,
  ANNOTATION_INFERENCE_SERVICE,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ANNOTATION_KUBERNETES_NAMESPACE,
  ANNOTATION_MODEL_FORMAT,
  ANNOTATION_PROTOCOL_VERSION,
  ANNOTATION_READY_MESSAGE,
  ANNOTATION_RESOURCE_KIND,
  ANNOTATION_RUNTIME,
  ANNOTATION_STORAGE_URI,
  ANNOTATION_URL,
  COMPONENT_TYPE,
  LABEL_READY,
} from '../constants';
import {
  describeModel,
  isLlmInferenceService,
  ModelSummary,
} from './describeModel';
import { assignEntityNames } from './entityNames';
import { resolveOwnership } from './ownership';
import type {
  ClusterSnapshot,
  ComponentMappingOptions,
  KubeObjectLike,
} from './types';

/** One model of the cluster and the Component that stands for it. */
export interface ModelComponent {
  /** `<namespace>/<name>`, the value of `model-publishing/inference-service`. */
  modelRef: string;
  summary: ModelSummary;
  entity: ComponentEntityV1alpha1;
}

/** localeCompare's order, without building a collator per comparison (10,000 models: ~140,000 of them). */
const byName = new Intl.Collator();

const TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;

function toTag(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const tag = value
    .toLowerCase()
    .replace(/[^a-z0-9:+#]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return TAG.test(tag) ? tag : undefined;
}

function labelSelector(obj: KubeObjectLike, name: string): string {
  // The labels KServe puts on the pods it creates, so the Kubernetes tab finds them without our label.
  return isLlmInferenceService(obj)
    ? `app.kubernetes.io/name=${name},app.kubernetes.io/part-of=llminferenceservice`
    : `serving.kserve.io/inferenceservice=${name}`;
}

function compact(
  record: Record<string, string | undefined>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).filter(
      (e): e is [string, string] => e[1] !== undefined,
    ),
  );
}

/** What a model's Component was built from, to build it again only when one of them changed. */
interface BuiltFrom {
  obj: KubeObjectLike;
  namespace?: KubeObjectLike;
  entityName: string;
  apis?: string[];
  component: ModelComponent;
}

/**
 * The Components of the last build, by model. An informer keeps an object (the same reference) until
 * it changes, so a model whose object, Namespace object, name and APIs are the ones it was built from
 * keeps its Component: one change rebuilds one Component, not all of them.
 */
export type ComponentMemo = Map<string, BuiltFrom>;

/**
 * Maps everything read from one cluster to Components (pure). Names are assigned over the whole
 * cluster at once so collisions are resolved the same way on every run. `providedApis` maps a model
 * ref (`<namespace>/<name>`) to the API entity names its publications produced.
 */
export function buildComponentEntities(
  snapshot: ClusterSnapshot,
  options: ComponentMappingOptions,
  providedApis: ReadonlyMap<string, string[]> = new Map(),
  memo?: ComponentMemo,
): ModelComponent[] {
  const models = [
    ...snapshot.inferenceServices,
    ...snapshot.llmInferenceServices,
  ].filter(o => o.metadata?.name && o.metadata?.namespace);
  const keyOf = (o: KubeObjectLike) =>
    `${o.kind}:${o.metadata!.namespace}/${o.metadata!.name}`;
  const names = assignEntityNames(
    models.map(o => ({
      key: keyOf(o),
      namespace: o.metadata!.namespace!,
      name: o.metadata!.name!,
      kindSuffix: isLlmInferenceService(o) ? 'llm' : 'isvc',
    })),
    options.namePrefix,
  );
  const namespaces = new Map(
    snapshot.namespaces.map(ns => [ns.metadata?.name, ns]),
  );

  const seen = new Set<string>();
  const built = models.map(obj => {
    const key = keyOf(obj);
    seen.add(key);
    const from = {
      obj,
      namespace: namespaces.get(obj.metadata!.namespace),
      entityName: names.get(key)!,
      apis: providedApis.get(
        `${obj.metadata!.namespace}/${obj.metadata!.name}`,
      ),
    };
    const before = memo?.get(key);
    if (
      before &&
      before.obj === from.obj &&
      before.namespace === from.namespace &&
      before.entityName === from.entityName &&
      before.apis === from.apis
    )
      return { ...before.component };
    const component = toComponent(
      obj,
      from.namespace,
      from.entityName,
      options,
      providedApis,
    );
    memo?.set(key, { ...from, component });
    return { ...component };
  });
  for (const key of memo?.keys() ?? []) if (!seen.has(key)) memo!.delete(key);
  return built.sort((a, b) =>
    byName.compare(a.entity.metadata.name, b.entity.metadata.name),
  );
}

function toComponent(
  obj: KubeObjectLike,
  namespace: KubeObjectLike | undefined,
  entityName: string,
  options: ComponentMappingOptions,
  providedApis: ReadonlyMap<string, string[]>,
): ModelComponent {
  const summary = describeModel(obj);
  const modelRef = `${summary.namespace}/${summary.name}`;
  const ownership = resolveOwnership(obj, namespace, options.defaults);
  const detection = detect(obj, options);
  const location = options.locationKey;
  const apis = providedApis.get(modelRef) ?? [];

  const tags = [
    'kserve',
    summary.resourceKind === 'LLMInferenceService' ? 'llm' : undefined,
    toTag(summary.modelFormat),
    toTag(detection?.kind),
  ].filter((t, i, all): t is string => !!t && all.indexOf(t) === i);

  const entity: ComponentEntityV1alpha1 = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: entityName,
      namespace: 'default',
      title:
        entityName === summary.name
          ? undefined
          : `${summary.name} (${summary.namespace})`,
      description: `KServe ${summary.resourceKind} ${modelRef} in cluster ${options.cluster}`,
      annotations: compact({
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
        [ANNOTATION_INFERENCE_SERVICE]: modelRef,
        [ANNOTATION_CLUSTER]: options.cluster,
        [ANNOTATION_KUBERNETES_ID]: summary.name,
        [ANNOTATION_KUBERNETES_NAMESPACE]: summary.namespace,
        [ANNOTATION_KUBERNETES_LABEL_SELECTOR]: labelSelector(
          obj,
          summary.name,
        ),
        [ANNOTATION_RESOURCE_KIND]: summary.resourceKind,
        [ANNOTATION_MODEL_FORMAT]: summary.modelFormat,
        [ANNOTATION_RUNTIME]: summary.runtime,
        [ANNOTATION_PROTOCOL_VERSION]: summary.protocolVersion,
        [ANNOTATION_STORAGE_URI]: summary.storageUri,
        [ANNOTATION_URL]: summary.url,
        [ANNOTATION_READY_MESSAGE]: summary.readyMessage,
        [ANNOTATION_DETECTED_KIND]: detection?.kind,
        [ANNOTATION_DETECTED_CONFIDENCE]: detection?.confidence,
      }),
      labels: { [LABEL_READY]: String(summary.ready) },
      tags,
    },
    spec: {
      type: COMPONENT_TYPE,
      lifecycle: ownership.lifecycle,
      owner: ownership.owner,
      ...(ownership.system ? { system: ownership.system } : {}),
      ...(apis.length ? { providesApis: [...apis].sort() } : {}),
    },
  };
  if (entity.metadata.title === undefined) delete entity.metadata.title;
  return { modelRef, summary, entity };
}

function detect(obj: KubeObjectLike, options: ComponentMappingOptions) {
  if (!options.detect) return undefined;
  try {
    return options.detect(obj);
  } catch {
    // A detection bug must not drop the model from the catalog; the entity simply has no kind.
    return undefined;
  }
}
