import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { startEmulator, type Emulator } from '@model-publishing/kube-emulator';
import { AuditLog } from '../audit/AuditLog';
import { readModelPublishingConfig } from '../config';
import { migrate } from '../database/migrate';
import { PublicationStore } from '../database/PublicationStore';
import { createApiKeyService } from '../keys';
import { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import { ModelWatches, type ModelLookup } from '../kubernetes/ModelWatch';
import { PublishingService, PublishingServiceOptions } from '../publishing/PublishingService';
import { Reconciler } from '../publishing/Reconciler';
import { ConfigReader } from '@backstage/config';
import { CLUSTER, NAMESPACE, seedPaths } from './harness';

/** The publishing services wired by hand (no HTTP), over the emulator and a test database. */
export async function startServices(db: Knex, options: {
  emulator?: Emulator;
  beforeClusterWrite?: PublishingServiceOptions['beforeClusterWrite'];
  /** More `modelPublishing` config (e.g. tenants). */
  config?: Record<string, unknown>;
  /** Wire the real ApiKeyService (first keys, discard on rollback) as plugin.ts does. */
  withKeys?: boolean;
  /** Watch InferenceServices as plugin.ts does by default (started and in sync before this returns). */
  watchModels?: boolean;
  /** A ModelLookup of the test's own (e.g. one that serves an out-of-date copy). */
  models?: ModelLookup;
} = {}) {
  const emulator = options.emulator ?? (await startEmulator({ seed: seedPaths() }));
  await migrate(db);
  const config = readModelPublishingConfig(
    new ConfigReader({
      modelPublishing: {
        clusters: [{ name: CLUSTER, url: emulator.url, skipTLSVerify: true }],
        gateway: { publicBaseUrl: 'https://models.example.com', llmHostnameTemplate: '{name}-{namespace}.llm.example.com' },
        ...options.config,
      },
    }),
  );
  const clusters = new ClusterRegistry({
    clusters: config.clusters,
    defaultCluster: config.defaultCluster,
    timeoutMs: 5000,
    maxConcurrent: 8,
    kubeConfigs: { [CLUSTER]: emulator.kubeConfig },
  });
  // A plain no-op logger: this module also runs outside jest (test/bench).
  const logger: LoggerService = {
    info() {},
    warn() {},
    error() {},
    debug() {},
    child() {
      return logger;
    },
  };
  const publications = new PublicationStore(db);
  const auditLog = new AuditLog(db);
  const models = options.watchModels ? new ModelWatches(clusters.connections(), logger) : undefined;
  await models?.start();
  const lookup = options.models ?? models;
  const makePublishing = (beforeClusterWrite?: PublishingServiceOptions['beforeClusterWrite']) => {
    const service = new PublishingService({ clusters, publications, auditLog, config, logger, beforeClusterWrite, models: lookup });
    if (options.withKeys) {
      service.setKeys(createApiKeyService({ db, config, logger, clusters, publications, auditLog, publishing: service }));
    }
    return service;
  };
  const publishing = makePublishing(options.beforeClusterWrite);
  const reconciler = new Reconciler({ clusters, publications, publishing: makePublishing(), logger, stuckAfterMs: 0 });
  const model = (name: string) => ({
    cluster: CLUSTER,
    namespace: NAMESPACE,
    name,
    entityRef: `component:default/${name}`,
    owner: 'group:default/ml-team',
  });
  return { emulator, clusters, publications, publishing, makePublishing, reconciler, logger, model, config, models };
}
