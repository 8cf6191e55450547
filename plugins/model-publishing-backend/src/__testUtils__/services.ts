import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { startEmulator, type Emulator } from '@model-publishing/kube-emulator';
import { ConfigReader } from '@backstage/config';
import { readModelPublishingConfig } from '../config';
import { migrate } from '../database/migrate';
import type { ModelLookup } from '../kubernetes/ModelWatch';
import type { SagaExecutorOptions } from '../publishing/ClusterSaga';
import { createServices, type ServiceDeps } from '../services';
import { CLUSTER, NAMESPACE, seedPaths } from './harness';

/**
 * The plugin's services from its composition root (services.ts), without HTTP, over the emulator
 * and a test database.
 */
export async function startServices(
  db: Knex,
  options: {
    emulator?: Emulator;
    beforeClusterWrite?: SagaExecutorOptions['beforeClusterWrite'];
    /** More `modelPublishing` config (e.g. tenants). */
    config?: Record<string, unknown>;
    /** Watch InferenceServices as plugin.ts does by default (started and in sync before this returns). */
    watchModels?: boolean;
    /** A ModelLookup of the test's own (e.g. one that serves an out-of-date copy). */
    models?: ModelLookup;
    guideSite?: ServiceDeps['guideSite'];
  } = {},
) {
  const emulator =
    options.emulator ?? (await startEmulator({ seed: seedPaths() }));
  await migrate(db);
  const rootConfig = (reconciler: object, instanceId: string) =>
    new ConfigReader({
      modelPublishing: {
        instanceId,
        clusters: [{ name: CLUSTER, url: emulator.url, skipTLSVerify: true }],
        gateway: {
          publicBaseUrl: 'https://models.example.com',
          llmHostnameTemplate: '{name}-{namespace}.llm.example.com',
        },
        watchModels: options.watchModels ?? false,
        ...options.config,
        reconciler: {
          ...(options.config?.reconciler as object | undefined),
          ...reconciler,
        },
      },
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
  const build = (
    reconciler: object,
    more: Partial<ServiceDeps>,
    instanceId = 'test-instance',
  ) => {
    const root = rootConfig(reconciler, instanceId);
    return createServices({
      config: readModelPublishingConfig(root),
      rootConfig: root,
      db,
      logger,
      kubeConfigs: { [CLUSTER]: emulator.kubeConfig },
      cluster: { timeoutMs: 5000, maxConcurrent: 8 },
      ...more,
    });
  };
  const s = await build(
    {},
    {
      beforeClusterWrite: options.beforeClusterWrite,
      models: options.models,
      guideSite: options.guideSite,
    },
  );
  await s.watches?.start();
  // The reconciler acts as another instance would: its own services, without the test's write hook.
  const other = await build(
    {},
    {
      models: options.models ?? s.watches,
      guideSite: options.guideSite && (async () => s.guideSite),
    },
    'test-other-instance',
  );
  const { reconciler } = other;
  /**
   * "Kills" the test's instance at its current write: its heartbeats stop; the returned time is one at
   * which its leases have run out (pass it to reconciler.run).
   */
  const crash = () => {
    s.leases.halt();
    return new Date(Date.now() + s.config.reconciler.leaseMs + 1);
  };
  const model = (name: string) => ({
    cluster: CLUSTER,
    namespace: NAMESPACE,
    name,
    entityRef: `component:default/${name}`,
    owner: 'group:default/ml-team',
  });
  /** Another process of an instance (the test's own is 'test-instance': that one restarted). */
  const instance = (instanceId: string) =>
    build({}, { models: options.models ?? s.watches }, instanceId);
  return { ...s, emulator, reconciler, other, crash, instance, logger, model };
}
