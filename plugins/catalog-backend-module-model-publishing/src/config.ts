import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { type Config, readDurationFromConfig } from '@backstage/config';
import type { ClusterConnection } from './cluster/kubeConfig';
import type { MappingDefaults } from './mapping/types';

/** One entity provider: one cluster. */
export interface ProviderConfig {
  id: string;
  cluster: string;
  connection: ClusterConnection;
  namespaces: string[];
  schedule: SchedulerServiceTaskScheduleDefinition;
  /**
   * How often the informers relist the InferenceServices, LLMInferenceServices and Namespaces (between
   * relists the cluster only sees their watches).
   */
  resyncMs: number;
  defaults: MappingDefaults;
  namePrefix: string;
  /** Whether to emit API entities from the model-publishing backend's publications. */
  publications: boolean;
  /**
   * Whether Components of published models carry the TechDocs annotations (the backend publishes each
   * publication's guide to TechDocs, see README).
   */
  techdocs: boolean;
  /** Whether publications addressed to cluster `default` belong to this provider (single cluster). */
  acceptsDefaultClusterAlias: boolean;
}

/** Short, so an API entity shows up about half a minute after a publish (reading is cheap). */
export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 30 },
  timeout: { minutes: 3 },
  initialDelay: { seconds: 5 },
};

/** Ten minutes, as a controller's informer resync: lists are cheap to skip, watches carry the changes. */
export const DEFAULT_RESYNC_MS = 10 * 60_000;

/** A duration in milliseconds (months and years as 30 and 365 days). */
function durationMs(d: ReturnType<typeof readDurationFromConfig>): number {
  const days =
    (d.years ?? 0) * 365 +
    (d.months ?? 0) * 30 +
    (d.weeks ?? 0) * 7 +
    (d.days ?? 0);
  return (
    (((days * 24 + (d.hours ?? 0)) * 60 + (d.minutes ?? 0)) * 60 +
      (d.seconds ?? 0)) *
      1000 +
    (d.milliseconds ?? 0)
  );
}

export const DEFAULT_OWNER = 'group:default/unknown';
export const DEFAULT_LIFECYCLE = 'production';

const CONNECTION_KEYS = [
  'kubeconfigPath',
  'kubeconfig',
  'inCluster',
  'context',
  'url',
  'token',
  'caData',
  'skipTLSVerify',
] as const;

/** Reads connection keys; `kubeconfig` is a file path, as in `modelPublishing.clusters`. */
function readConnection(config: Config | undefined): ClusterConnection {
  if (!config) return {};
  const connection: ClusterConnection = {
    kubeconfigPath:
      config.getOptionalString('kubeconfigPath') ??
      config.getOptionalString('kubeconfig'),
    inCluster: config.getOptionalBoolean('inCluster'),
    context: config.getOptionalString('context'),
    url: config.getOptionalString('url'),
    token: config.getOptionalString('token'),
    caData: config.getOptionalString('caData'),
    skipTLSVerify: config.getOptionalBoolean('skipTLSVerify'),
  };
  return Object.fromEntries(
    Object.entries(connection).filter(([, v]) => v !== undefined),
  ) as ClusterConnection;
}

function hasConnection(config: Config): boolean {
  return CONNECTION_KEYS.some(key => config.has(key));
}

/**
 * `modelPublishing.clusters` (owned by the backend plugin) as a name → config map; accepts a list of
 * `{ name, ... }` or an object keyed by name.
 */
function sharedClusters(root: Config): Map<string, Config> {
  const result = new Map<string, Config>();
  if (!root.has('modelPublishing.clusters')) return result;
  const raw = root.getOptional('modelPublishing.clusters');
  if (Array.isArray(raw)) {
    for (const c of root.getConfigArray('modelPublishing.clusters')) {
      result.set(c.getString('name'), c);
    }
  } else {
    const clusters = root.getConfig('modelPublishing.clusters');
    for (const key of clusters.keys()) result.set(key, clusters.getConfig(key));
  }
  return result;
}

/**
 * Whether the model-publishing backend publishes guides to TechDocs: the same rule as the backend's
 * `modelPublishing.techdocs.enabled` (default: on when the portal configures TechDocs), so the catalog
 * never points a Docs tab at a site nobody writes.
 */
export function guidesInTechDocs(root: Config): boolean {
  return (
    root.getOptionalBoolean('modelPublishing.techdocs.enabled') ??
    root.has('techdocs')
  );
}

function readDefaults(config: Config | undefined): MappingDefaults {
  return {
    owner: config?.getOptionalString('owner') ?? DEFAULT_OWNER,
    lifecycle: config?.getOptionalString('lifecycle') ?? DEFAULT_LIFECYCLE,
    system: config?.getOptionalString('system'),
  };
}

/**
 * Reads `catalog.providers.modelPublishing.<id>`; without that block, one provider per entry of
 * `modelPublishing.clusters`. A provider without connection keys of its own takes them from the
 * `modelPublishing.clusters` entry of the same cluster name.
 */
export function readProviderConfigs(root: Config): ProviderConfig[] {
  const techdocs = guidesInTechDocs(root);
  const shared = sharedClusters(root);
  const block = root.getOptionalConfig('catalog.providers.modelPublishing');
  const entries: { id: string; config?: Config }[] = block
    ? block.keys().map(id => ({ id, config: block.getConfig(id) }))
    : [...shared.keys()].map(id => ({ id }));

  const configs = entries.map(
    ({ id, config }): Omit<ProviderConfig, 'acceptsDefaultClusterAlias'> => {
      const cluster = config?.getOptionalString('cluster') ?? id;
      const own = config && hasConnection(config);
      const connection = own
        ? readConnection(config)
        : readConnection(shared.get(cluster));
      return {
        id,
        cluster,
        connection,
        namespaces: config?.getOptionalStringArray('namespaces') ?? [],
        schedule: config?.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig('schedule'),
            )
          : DEFAULT_SCHEDULE,
        resyncMs: config?.has('resync')
          ? durationMs(readDurationFromConfig(config, { key: 'resync' }))
          : DEFAULT_RESYNC_MS,
        defaults: readDefaults(config?.getOptionalConfig('defaults')),
        namePrefix: config?.getOptionalString('namePrefix') ?? '',
        publications: config?.getOptionalBoolean('publications') ?? true,
        techdocs: config?.getOptionalBoolean('techdocs') ?? techdocs,
      };
    },
  );
  const defaultCluster =
    root.getOptionalString('modelPublishing.defaultCluster') ??
    [...shared.keys()][0];
  return configs.map(c => ({
    ...c,
    acceptsDefaultClusterAlias:
      configs.length === 1 || c.cluster === defaultCluster,
  }));
}
