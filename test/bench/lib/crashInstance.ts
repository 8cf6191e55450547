/**
 * One backend instance of the model-publishing plugin (its services from services.ts, no HTTP) for the
 * crash-recovery benchmark: the parent process and the child it kills -9 build it the same way.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import knexFactory, { type Knex } from 'knex';
import { readModelPublishingConfig } from '../../../plugins/model-publishing-backend/src/config';
import { createServices } from '../../../plugins/model-publishing-backend/src/services';
import type { SagaExecutorOptions } from '../../../plugins/model-publishing-backend/src/publishing/ClusterSaga';
import {
  CLUSTER,
  NAMESPACE,
} from '../../../plugins/model-publishing-backend/src/__testUtils__/harness';

export interface InstanceSettings {
  /** Knex config of the shared database (SQLite file or PostgreSQL). */
  knex: Knex.Config;
  kubeconfigPath: string;
  instanceId: string;
  leaseMs: number;
}

const logger: LoggerService = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return logger;
  },
};

export async function startInstance(
  settings: InstanceSettings,
  beforeClusterWrite?: SagaExecutorOptions['beforeClusterWrite'],
) {
  const db = knexFactory(settings.knex);
  const root = new ConfigReader({
    modelPublishing: {
      instanceId: settings.instanceId,
      clusters: [{ name: CLUSTER, kubeconfig: settings.kubeconfigPath }],
      gateway: {
        publicBaseUrl: 'https://models.example.com',
        llmHostnameTemplate: '{name}-{namespace}.llm.example.com',
      },
      watchModels: false,
      reconciler: { leaseMs: settings.leaseMs },
    },
  });
  const s = await createServices({
    config: readModelPublishingConfig(root),
    rootConfig: root,
    db,
    logger,
    cluster: { timeoutMs: 5000, maxConcurrent: 8 },
    beforeClusterWrite,
  });
  const model = (name: string) => ({
    cluster: CLUSTER,
    namespace: NAMESPACE,
    name,
    entityRef: `component:default/${name}`,
    owner: 'group:default/ml-team',
  });
  return { ...s, db, model };
}

export type Operation = 'publish' | 'update' | 'unpublish';

/** What each operation is asked to do in the benchmark (the owner's request and its retry). */
export const OWNER = { actor: 'user:default/alice' };
export const PUBLISH = {
  rateLimits: { requestsPerMinute: 10 },
  firstKey: { name: 'app' },
};
export const UPDATE = { rateLimits: { requestsPerMinute: 99 } };
