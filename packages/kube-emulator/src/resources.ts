import type { CrdDefinition, JsonSchema } from './crds';
import {
  configMapSchema,
  cronJobSchema,
  daemonSetSchema,
  deploymentSchema,
  eventSchema,
  horizontalPodAutoscalerSchema,
  ingressSchema,
  jobSchema,
  limitRangeSchema,
  namespaceSchema,
  persistentVolumeClaimSchema,
  persistentVolumeSchema,
  podSchema,
  replicaSetSchema,
  resourceQuotaSchema,
  secretSchema,
  serviceSchema,
  statefulSetSchema,
} from './validation/builtinSchemas';
import type { NameRule } from './validation/metadata';

/** One served resource type (a group/version/kind). */
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  listKind: string;
  shortNames: string[];
  /** Discovery categories, e.g. `all` (what `kubectl get all` lists). */
  categories: string[];
  namespaced: boolean;
  hasStatus: boolean;
  schema?: JsonSchema;
  nameRule: NameRule;
  /** metadata.generation is set to 1 on create and bumped on spec changes (custom resources, workloads). */
  tracksGeneration: boolean;
  /** Objects are stored once per group+kind; every served version reads the same objects. */
  storageKey: string;
  builtin: boolean;
}

export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  schema: JsonSchema,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    listKind: `${kind}List`,
    shortNames: [],
    categories: [],
    namespaced,
    hasStatus: false,
    schema,
    nameRule: 'subdomain',
    tracksGeneration: false,
    // Core kinds keep the `core/` key persisted clusters were written with.
    storageKey: `${group || 'core'}/${kind}`,
    builtin: true,
    ...extra,
  };
}

function core(kind: string, plural: string, namespaced: boolean, schema: JsonSchema, extra: Partial<ResourceType> = {}): ResourceType {
  return builtin('', 'v1', kind, plural, namespaced, schema, extra);
}

/** Workload kinds: status subresource, generation, and listed by `kubectl get all`. */
const workload: Partial<ResourceType> = { hasStatus: true, tracksGeneration: true, categories: ['all'] };

/**
 * The built-in kinds served. Besides what our plugins use (namespaces, secrets, configmaps, services,
 * events), these are the kinds the Backstage Kubernetes backend lists for an entity by default
 * (`DEFAULT_OBJECTS` of @backstage/plugin-kubernetes-backend) plus the optional PVs/PVCs, each at the
 * group/version that backend asks for.
 */
export const BUILTIN_TYPES: ResourceType[] = [
  core('Namespace', 'namespaces', false, namespaceSchema, { nameRule: 'label', hasStatus: true, shortNames: ['ns'] }),
  core('Secret', 'secrets', true, secretSchema),
  core('ConfigMap', 'configmaps', true, configMapSchema, { shortNames: ['cm'] }),
  core('Service', 'services', true, serviceSchema, { nameRule: 'dns1035', hasStatus: true, shortNames: ['svc'], categories: ['all'] }),
  core('Event', 'events', true, eventSchema, { shortNames: ['ev'] }),
  core('Pod', 'pods', true, podSchema, { hasStatus: true, shortNames: ['po'], categories: ['all'] }),
  core('LimitRange', 'limitranges', true, limitRangeSchema, { shortNames: ['limits'] }),
  core('ResourceQuota', 'resourcequotas', true, resourceQuotaSchema, { hasStatus: true, shortNames: ['quota'] }),
  core('PersistentVolume', 'persistentvolumes', false, persistentVolumeSchema, { hasStatus: true, shortNames: ['pv'] }),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', true, persistentVolumeClaimSchema, { hasStatus: true, shortNames: ['pvc'] }),
  builtin('apps', 'v1', 'Deployment', 'deployments', true, deploymentSchema, { ...workload, shortNames: ['deploy'] }),
  builtin('apps', 'v1', 'ReplicaSet', 'replicasets', true, replicaSetSchema, { ...workload, shortNames: ['rs'] }),
  builtin('apps', 'v1', 'StatefulSet', 'statefulsets', true, statefulSetSchema, { ...workload, shortNames: ['sts'] }),
  builtin('apps', 'v1', 'DaemonSet', 'daemonsets', true, daemonSetSchema, { ...workload, shortNames: ['ds'] }),
  builtin('batch', 'v1', 'Job', 'jobs', true, jobSchema, workload),
  builtin('batch', 'v1', 'CronJob', 'cronjobs', true, cronJobSchema, { ...workload, shortNames: ['cj'] }),
  builtin('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, horizontalPodAutoscalerSchema, {
    ...workload,
    shortNames: ['hpa'],
  }),
  builtin('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, ingressSchema, { hasStatus: true, tracksGeneration: true, shortNames: ['ing'] }),
];

/** Index of served types by apiVersion+kind and by group/version/plural. */
export class ResourceRegistry {
  readonly types: ResourceType[];
  private readonly byKind = new Map<string, ResourceType>();
  private readonly byPlural = new Map<string, ResourceType>();

  constructor(crds: CrdDefinition[], includeBuiltins = true) {
    this.types = includeBuiltins ? [...BUILTIN_TYPES] : [];
    for (const crd of crds) {
      for (const v of crd.versions) {
        if (!v.served) continue;
        this.types.push({
          group: crd.group,
          version: v.name,
          kind: crd.names.kind,
          plural: crd.names.plural,
          singular: crd.names.singular ?? crd.names.kind.toLowerCase(),
          listKind: crd.names.listKind ?? `${crd.names.kind}List`,
          shortNames: crd.names.shortNames ?? [],
          categories: crd.names.categories ?? [],
          namespaced: crd.scope === 'Namespaced',
          hasStatus: !!v.subresources?.status,
          schema: v.schema,
          nameRule: 'subdomain',
          tracksGeneration: true,
          storageKey: `${crd.group}/${crd.names.kind}`,
          builtin: false,
        });
      }
    }
    for (const t of this.types) {
      this.byKind.set(`${apiVersionOf(t)}|${t.kind}`, t);
      this.byPlural.set(`${t.group}|${t.version}|${t.plural}`, t);
    }
  }

  forKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${apiVersion}|${kind}`);
  }

  forPlural(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPlural.get(`${group}|${version}|${plural}`);
  }

  /** Group → versions, highest Kubernetes version priority first (that one is "preferred"). */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.types) {
      if (!t.group) continue;
      const vs = out.get(t.group) ?? [];
      if (!vs.includes(t.version)) vs.push(t.version);
      out.set(t.group, vs);
    }
    for (const vs of out.values()) vs.sort(compareKubeVersions);
    return out;
  }
}

/** Kubernetes version priority: v2 > v1 > v1beta2 > v1beta1 > v1alpha1; returns <0 when `a` sorts first. */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [-1, 0, 0];
    const stage = ({ alpha: 0, beta: 1 } as Record<string, number>)[m[2] ?? ''] ?? 2;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i] - ra[i];
  return a.localeCompare(b);
}
