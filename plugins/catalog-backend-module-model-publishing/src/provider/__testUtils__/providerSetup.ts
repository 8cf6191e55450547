import { mockServices } from '@backstage/backend-test-utils';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import {
  DEFAULT_RESYNC_MS,
  DEFAULT_SCHEDULE,
  ProviderConfig,
} from '../../config';
import type { ClusterSnapshot } from '../../mapping/types';
import type { PublicationsSource } from '../../publications/PublicationsClient';
import { ModelPublishingEntityProvider } from '../ModelPublishingEntityProvider';
import {
  llmInferenceService,
  sklearnV1,
  xgboostV2,
} from '../../__fixtures__/models';
import { openapiFor } from '../../__fixtures__/publications';

export const config: ProviderConfig = {
  id: 'local',
  cluster: 'local',
  connection: { name: 'local', kubeconfig: 'default' },
  namespaces: [],
  schedule: DEFAULT_SCHEDULE,
  resyncMs: DEFAULT_RESYNC_MS,
  defaults: { owner: 'group:default/ml-platform', lifecycle: 'production' },
  namePrefix: '',
  publications: true,
  techdocs: true,
  acceptsDefaultClusterAlias: true,
};

/** A recording connection; `last()` and `names()` are the catalog's view after every mutation so far. */
export function connection() {
  const mutations: EntityProviderMutation[] = [];
  const conn: EntityProviderConnection = {
    applyMutation: jest.fn(async m => {
      mutations.push(m);
    }),
    refresh: jest.fn(),
  };
  const last = (): Entity[] => {
    const state = new Map<string, Entity>();
    for (const m of mutations) {
      if (m.type === 'full') {
        state.clear();
        for (const e of m.entities)
          state.set(stringifyEntityRef(e.entity), e.entity);
      } else {
        for (const e of m.added)
          state.set(stringifyEntityRef(e.entity), e.entity);
        for (const r of m.removed) {
          state.delete(
            'entityRef' in r ? r.entityRef : stringifyEntityRef(r.entity),
          );
        }
      }
    }
    return [...state.values()];
  };
  const names = () =>
    last()
      .map(e => e.metadata.name)
      .sort();
  return { conn, mutations, names, last };
}

export function setup(opts: {
  cluster: () => ClusterSnapshot | Promise<ClusterSnapshot>;
  publications?: () => Publication[] | Promise<Publication[]>;
  getOpenApi?: (p: Publication) => Promise<object>;
  config?: Partial<ProviderConfig>;
}) {
  const source: PublicationsSource = {
    listPublications: jest.fn(async () =>
      opts.publications ? opts.publications() : [],
    ),
    getOpenApi: jest.fn(
      opts.getOpenApi ?? (async (p: Publication) => openapiFor(p)),
    ),
  };
  const logger = mockServices.logger.mock();
  const provider = new ModelPublishingEntityProvider({
    config: { ...config, ...opts.config },
    logger,
    readCluster: async () => opts.cluster(),
    publications: source,
    appBaseUrl: 'http://localhost:3000',
  });
  const components = connection();
  const apis = connection();
  return { provider, source, logger, components, apis };
}

export const snap = (
  inferenceServices = [sklearnV1, xgboostV2],
  llm = [llmInferenceService],
): ClusterSnapshot => ({
  inferenceServices,
  llmInferenceServices: llm,
  namespaces: [],
});

export async function connectBoth(s: ReturnType<typeof setup>) {
  await s.provider.connect(s.components.conn);
  await s.provider.apiProvider.connect(s.apis.conn);
}
