import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import type { ModelPublishingClusterDetails } from './clusterDetails';

/** The keys of one cluster's connection, in either vocabulary (ours and the Kubernetes plugin's). */
const CONNECTION_KEYS = [
  'kubeconfig',
  'kubeconfigPath',
  'context',
  'inCluster',
  'url',
  'token',
  'serviceAccountToken',
  'authProvider',
  'authMetadata',
  'caData',
  'caFile',
  'skipTLSVerify',
] as const;

/**
 * Whether a config block sets any connection key (e.g. a catalog provider that gives its own connection
 * rather than naming a `modelPublishing.clusters` entry).
 *
 * @public
 */
export function hasClusterConnection(config: Config): boolean {
  return CONNECTION_KEYS.some(key => config.has(key));
}

/**
 * Reads one cluster's connection. Accepts model publishing's keys — exactly one of `kubeconfig` (or
 * `kubeconfigPath`, a file path; with `context`), `inCluster: true`, or `url` with `token`, `caData`,
 * `skipTLSVerify` — and, for `url`, the Kubernetes plugin's cluster keys too: `authProvider`
 * (`serviceAccount` or `anonymous`), `serviceAccountToken`, `caFile`, `authMetadata`.
 *
 * @param options - `name`: the cluster's name; `where`: the config path, for errors;
 *   `defaultKubeconfig`: with no kubeconfig, inCluster or url, use the process's default kubeconfig
 *   instead of failing.
 * @public
 */
export function readClusterDetails(
  config: Config,
  options: { name: string; where: string; defaultKubeconfig?: boolean },
): ModelPublishingClusterDetails {
  const { name, where } = options;
  const kubeconfigPath =
    config.getOptionalString('kubeconfig') ??
    config.getOptionalString('kubeconfigPath');
  const context = config.getOptionalString('context');
  const inCluster = config.getOptionalBoolean('inCluster');
  const url = config.getOptionalString('url');
  const connections = [kubeconfigPath, inCluster, url].filter(Boolean).length;
  if (connections === 0 && options.defaultKubeconfig) {
    return { name, kubeconfig: 'default', ...(context && { context }) };
  }
  if (connections !== 1) {
    throw new InputError(
      `${where}: set exactly one of kubeconfig, inCluster or url`,
    );
  }
  if (kubeconfigPath) {
    return {
      name,
      kubeconfig: { path: kubeconfigPath },
      ...(context && { context }),
    };
  }
  if (inCluster) return { name, inCluster: true };

  // The Kubernetes plugin's rule: an `authMetadata` block wins over the flat keys.
  const authMetadata = readAuthMetadata(config, where);
  const token =
    config.getOptionalString('serviceAccountToken') ??
    config.getOptionalString('token');
  const authProvider =
    config.getOptionalString('authProvider') ??
    (token ? 'serviceAccount' : 'anonymous');
  const caData = config.getOptionalString('caData');
  const caFile = config.getOptionalString('caFile');
  return {
    name,
    url: url!,
    skipTLSVerify: config.getOptionalBoolean('skipTLSVerify') ?? false,
    ...(caData && { caData }),
    ...(caFile && { caFile }),
    authMetadata: {
      [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: authProvider,
      ...(token && { serviceAccountToken: token }),
      ...authMetadata,
    },
  };
}

/** `authMetadata` as written: its keys hold dots (`kubernetes.io/auth-provider`), so it is read whole. */
function readAuthMetadata(
  config: Config,
  where: string,
): Record<string, string> {
  const raw = config.getOptional('authMetadata');
  if (raw === undefined) return {};
  const entries =
    typeof raw === 'object' && raw && !Array.isArray(raw)
      ? Object.entries(raw)
      : undefined;
  if (!entries || entries.some(([, v]) => typeof v !== 'string')) {
    throw new InputError(`${where}.authMetadata must be an object of strings`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/**
 * Reads `modelPublishing.clusters` (a list of `{ name, ... }`, or an object keyed by name) and, with
 * `modelPublishing.clustersFrom: kubernetes`, after them the clusters of the Kubernetes plugin's
 * `kubernetes.clusterLocatorMethods` entries of `type: config`, so an adopter writes each cluster once.
 * Throws when a name is given twice.
 *
 * @public
 */
export function readModelPublishingClusters(
  root: Config,
): ModelPublishingClusterDetails[] {
  const clusters = ownClusters(root);
  const from = root.getOptionalString('modelPublishing.clustersFrom');
  if (from !== undefined && from !== 'kubernetes') {
    throw new InputError(
      `modelPublishing.clustersFrom must be kubernetes, got '${from}'`,
    );
  }
  if (from === 'kubernetes') clusters.push(...kubernetesPluginClusters(root));
  const seen = new Set<string>();
  for (const { name } of clusters) {
    if (seen.has(name)) {
      throw new InputError(
        `cluster '${name}' is given twice (modelPublishing.clusters or kubernetes.clusterLocatorMethods)`,
      );
    }
    seen.add(name);
  }
  return clusters;
}

function ownClusters(root: Config): ModelPublishingClusterDetails[] {
  const key = 'modelPublishing.clusters';
  if (!root.has(key)) return [];
  if (Array.isArray(root.getOptional(key))) {
    return root.getConfigArray(key).map(c => {
      const name = c.getString('name');
      return readClusterDetails(c, { name, where: `${key}[${name}]` });
    });
  }
  const byName = root.getConfig(key);
  return byName.keys().map(name =>
    readClusterDetails(byName.getConfig(name), {
      name,
      where: `${key}.${name}`,
    }),
  );
}

function kubernetesPluginClusters(
  root: Config,
): ModelPublishingClusterDetails[] {
  const methods =
    root.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const clusters = methods.flatMap((method, i) =>
    method.getString('type') === 'config'
      ? method.getConfigArray('clusters').map(c => {
          const name = c.getString('name');
          return readClusterDetails(c, {
            name,
            where: `kubernetes.clusterLocatorMethods[${i}].clusters[${name}]`,
          });
        })
      : [],
  );
  if (!clusters.length) {
    throw new InputError(
      'modelPublishing.clustersFrom is kubernetes, but kubernetes.clusterLocatorMethods has no clusters of type config',
    );
  }
  return clusters;
}
