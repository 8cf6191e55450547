import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { type Config, readDurationFromConfig } from '@backstage/config';
import {
  hasClusterConnection,
  type ModelPublishingClusterDetails,
  readClusterDetails,
  readModelPublishingClusters,
} from '@model-publishing/plugin-model-publishing-node';
import type { MappingDefaults } from './mapping/types';

/** One entity provider: one cluster. */
export interface ProviderConfig {
  id: string;
  cluster: string;
  /**
   * How to reach the cluster (plugin-model-publishing-node's vocabulary, built into a KubeConfig by its
   * `kubeConfigForCluster`); its name is `cluster`.
   */
  connection: ModelPublishingClusterDetails;
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
 * A provider's connection: its own keys (in the vocabulary of `modelPublishing.clusters`), else the
 * backend's cluster of the same name, else the process's default kubeconfig.
 */
function readConnection(
  id: string,
  cluster: string,
  config: Config | undefined,
  shared: Map<string, ModelPublishingClusterDetails>,
): ModelPublishingClusterDetails {
  if (config && hasClusterConnection(config)) {
    return readClusterDetails(config, {
      name: cluster,
      where: `catalog.providers.modelPublishing.${id}`,
      defaultKubeconfig: true,
    });
  }
  return shared.get(cluster) ?? { name: cluster, kubeconfig: 'default' };
}

/**
 * Reads `catalog.providers.modelPublishing.<id>`; without that block, one provider per cluster of the
 * backend (`modelPublishing.clusters`, and the Kubernetes plugin's with `modelPublishing.clustersFrom`).
 * A provider without connection keys of its own takes the backend's cluster of the same name.
 */
export function readProviderConfigs(root: Config): ProviderConfig[] {
  const techdocs = guidesInTechDocs(root);
  const shared = new Map(
    readModelPublishingClusters(root).map(c => [c.name, c]),
  );
  const block = root.getOptionalConfig('catalog.providers.modelPublishing');
  const entries: { id: string; config?: Config }[] = block
    ? block.keys().map(id => ({ id, config: block.getConfig(id) }))
    : [...shared.keys()].map(id => ({ id }));

  const configs = entries.map(
    ({ id, config }): Omit<ProviderConfig, 'acceptsDefaultClusterAlias'> => {
      const cluster = config?.getOptionalString('cluster') ?? id;
      return {
        id,
        cluster,
        connection: readConnection(id, cluster, config, shared),
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
