import os from 'os';
import { Config, readDurationFromConfig } from '@backstage/config';

export type HumanDuration = ReturnType<typeof readDurationFromConfig>;
import { InputError } from '@backstage/errors';
import {
  type ModelPublishingCluster,
  type ModelPublishingClusterDetails,
  readModelPublishingClusters,
} from '@model-publishing/plugin-model-publishing-node';
import { HOSTNAME_ENTRY } from './publishing/hostnamePolicy';
import type { GatewaySettings } from './gateway/types';

/** Live keys a publication may hold at once (`keys.maxLivePerPublication`). */
export const DEFAULT_MAX_LIVE_KEYS = 50;

/** A tenant's limits (config.d.ts `tenants[]`), each optional. */
const TENANT_LIMIT_KEYS = [
  'maxPublications',
  'maxRequestsPerMinute',
  'maxRequestsPerHour',
  'maxRequestsPerDay',
  'maxTokensPerMinute',
  'maxTokensPerHour',
  'maxTokensPerDay',
  'maxRequestsPerMonth',
  'maxTokensPerMonth',
] as const;

export interface TenantSettings
  extends Partial<Record<(typeof TENANT_LIMIT_KEYS)[number], number>> {
  group: string;
  namespaces?: string[];
  /**
   * Hostnames its publications may use besides the one the LLM template gives each model: exact names, or
   * `.suffix` for any name below it. No wildcards (issue 14, finding 4).
   */
  hostnames?: string[];
}

/** `modelPublishing.secretScanning` (config.d.ts, docs/leaked-keys.md). */
export interface SecretScanningConfig {
  enabled: boolean;
  action: 'revoke' | 'suspend';
  publicKeysUrl?: string;
  publicKeys: { keyIdentifier: string; key: string }[];
  refreshMinutes: number;
}

/** GitHub's secret scanning signing keys. */
export const GITHUB_SECRET_SCANNING_KEYS_URL =
  'https://api.github.com/meta/public_keys/secret_scanning';

function readSecretScanning(c: Config | undefined): SecretScanningConfig {
  const action = c?.getOptionalString('action') ?? 'revoke';
  if (action !== 'revoke' && action !== 'suspend') {
    throw new InputError(
      `modelPublishing.secretScanning.action must be revoke or suspend, got '${action}'`,
    );
  }
  const refreshMinutes = c?.getOptionalNumber('refreshMinutes') ?? 60;
  if (!(refreshMinutes > 0))
    throw new InputError(
      'modelPublishing.secretScanning.refreshMinutes must be more than 0',
    );
  const url =
    c?.getOptionalBoolean('fetchPublicKeys') === false
      ? undefined
      : c?.getOptionalString('publicKeysUrl') ??
        GITHUB_SECRET_SCANNING_KEYS_URL;
  return {
    enabled: c?.getOptionalBoolean('enabled') ?? false,
    action,
    ...(url ? { publicKeysUrl: url } : {}),
    publicKeys: (c?.getOptionalConfigArray('publicKeys') ?? []).map(k => ({
      keyIdentifier: k.getString('keyIdentifier'),
      key: k.getString('key'),
    })),
    refreshMinutes,
  };
}

export interface ModelPublishingConfig {
  /** Configured clusters (plugin-model-publishing-node's vocabulary), then those modules gave in code. */
  clusters: ModelPublishingClusterDetails[];
  defaultCluster: string;
  gateway: GatewaySettings;
  /** KServe's installation: where its controller keeps inferenceservice-config. */
  kserve: { namespace: string };
  tenants: TenantSettings[];
  keys: { rotationGraceHours: number; maxLivePerPublication: number };
  secretScanning: SecretScanningConfig;
  reconciler: {
    enabled: boolean;
    frequency: HumanDuration;
    /** Re-apply drifted objects automatically (default false: mark `degraded`, an update repairs). */
    repair: boolean;
    /**
     * How long an in-flight operation's lease lasts without a heartbeat (renewed every third of it): a
     * record whose lease ran out was left by a killed process and is taken over.
     */
    leaseMs: number;
  };
  /** This instance, stable across restarts (leases on in-flight operations; default the host name). */
  instanceId: string;
  clusterRequestTimeoutMs: number;
  maxConcurrentClusterRequests: number;
  /** Keep a watch of each cluster's InferenceServices (kubernetes/ModelWatch). */
  watchModels: boolean;
  /** Service principals that may call the routes marked `readers` (router/access.ts). */
  serviceReaders: string[];
  /** Service principals that may ingest usage (`usage.ingest.allowedSubjects`); none when unset. */
  ingestSubjects: string[];
}

/**
 * Reads `modelPublishing.*` with the documented defaults (config.d.ts). `moduleClusters`: the clusters
 * backend modules added in code (modelPublishingClustersExtensionPoint), after the configured ones.
 */
export function readModelPublishingConfig(
  root: Config,
  options: { moduleClusters?: ModelPublishingCluster[] } = {},
): ModelPublishingConfig {
  const c = root.getOptionalConfig('modelPublishing');
  const clusters = readModelPublishingClusters(root);
  for (const { name, kubeconfig } of options.moduleClusters ?? []) {
    if (clusters.some(x => x.name === name)) {
      throw new InputError(
        `cluster '${name}' is given twice (modelPublishing.clusters or a backend module)`,
      );
    }
    clusters.push({ name, kubeconfig: { document: kubeconfig } });
  }
  const defaultCluster =
    c?.getOptionalString('defaultCluster') ?? clusters[0]?.name ?? 'default';
  if (clusters.length && !clusters.some(x => x.name === defaultCluster)) {
    throw new InputError(
      `modelPublishing.defaultCluster '${defaultCluster}' is not a configured cluster`,
    );
  }
  const g = c?.getOptionalConfig('gateway');
  const rateLimitMode = g?.getOptionalString('rateLimitMode') ?? 'global';
  if (rateLimitMode !== 'global' && rateLimitMode !== 'local') {
    throw new InputError(
      `modelPublishing.gateway.rateLimitMode must be global or local`,
    );
  }
  const tenants = (c?.getOptionalConfigArray('tenants') ?? []).map(t => {
    const tenant: TenantSettings = {
      group: t.getString('group'),
      namespaces: t.getOptionalStringArray('namespaces'),
      hostnames: t.getOptionalStringArray('hostnames'),
    };
    for (const entry of tenant.hostnames ?? []) {
      if (!HOSTNAME_ENTRY.test(entry)) {
        throw new InputError(
          `modelPublishing.tenants[${tenant.group}].hostnames: '${entry}' must be a lower-case DNS name or .suffix (no wildcards)`,
        );
      }
    }
    for (const key of TENANT_LIMIT_KEYS) tenant[key] = t.getOptionalNumber(key);
    return tenant;
  });
  return {
    clusters,
    defaultCluster,
    gateway: {
      name: g?.getOptionalString('name') ?? 'envoy-gateway',
      namespace: g?.getOptionalString('namespace') ?? 'envoy-gateway-system',
      sectionName: g?.getOptionalString('sectionName'),
      publicBaseUrl: (
        g?.getOptionalString('publicBaseUrl') ?? 'http://localhost:8080'
      ).replace(/\/+$/, ''),
      llmHostnameTemplate:
        g?.getOptionalString('llmHostnameTemplate') ??
        '{name}-{namespace}.llm.localhost',
      llmBaseUrlTemplate: g
        ?.getOptionalString('llmBaseUrlTemplate')
        ?.replace(/\/+$/, ''),
      rateLimitMode,
    },
    kserve: { namespace: c?.getOptionalString('kserve.namespace') ?? 'kserve' },
    tenants,
    keys: {
      rotationGraceHours: c?.getOptionalNumber('keys.rotationGraceHours') ?? 24,
      maxLivePerPublication:
        c?.getOptionalNumber('keys.maxLivePerPublication') ??
        DEFAULT_MAX_LIVE_KEYS,
    },
    secretScanning: readSecretScanning(c?.getOptionalConfig('secretScanning')),
    reconciler: {
      enabled: c?.getOptionalBoolean('reconciler.enabled') ?? true,
      frequency: c?.has('reconciler.frequency')
        ? readDurationFromConfig(c, { key: 'reconciler.frequency' })
        : { minutes: 2 },
      repair: c?.getOptionalBoolean('reconciler.repair') ?? false,
      leaseMs: c?.getOptionalNumber('reconciler.leaseMs') ?? 30_000,
    },
    instanceId: c?.getOptionalString('instanceId') ?? os.hostname(),
    clusterRequestTimeoutMs:
      c?.getOptionalNumber('clusterRequestTimeoutMs') ?? 10_000,
    maxConcurrentClusterRequests:
      c?.getOptionalNumber('maxConcurrentClusterRequests') ?? 8,
    watchModels: c?.getOptionalBoolean('watchModels') ?? true,
    serviceReaders: c?.getOptionalStringArray('serviceReaders') ?? [
      'plugin:catalog',
    ],
    ingestSubjects:
      c?.getOptionalStringArray('usage.ingest.allowedSubjects') ?? [],
  };
}
