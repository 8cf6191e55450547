import { mockServices } from '@backstage/backend-test-utils';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import {
  Emulator,
  readSeedObjects,
  startEmulator,
} from '@model-publishing/kube-emulator';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_RESYNC_MS, DEFAULT_SCHEDULE, ProviderConfig } from '../config';
import { expectValidEntity } from '../__fixtures__/entityValidation';
import { openapiFor, publication } from '../__fixtures__/publications';
import { ModelPublishingEntityProvider } from './ModelPublishingEntityProvider';

async function eventually(check: () => void, timeoutMs = 10_000) {
  const started = Date.now();
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise(r => setTimeout(r, 25));
    }
  }
}

const SEED = resolve(__dirname, '../__fixtures__/cluster');
/** The demo cluster the embedded portal starts with (written by the emulator's helper). */
const EXAMPLES = resolve(__dirname, '../../../../examples/cluster');

jest.setTimeout(60_000);

function config(
  kubeconfigPath: string,
  extra: Partial<ProviderConfig> = {},
): ProviderConfig {
  return {
    id: 'local',
    cluster: 'local',
    connection: { name: 'local', kubeconfig: { path: kubeconfigPath } },
    namespaces: [],
    schedule: DEFAULT_SCHEDULE,
    resyncMs: DEFAULT_RESYNC_MS,
    defaults: { owner: 'group:default/ml-platform', lifecycle: 'production' },
    namePrefix: '',
    publications: true,
    techdocs: false,
    acceptsDefaultClusterAlias: true,
    ...extra,
  };
}

function recorder() {
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: async m => {
      mutations.push(m);
    },
    refresh: async () => {},
  };
  /** The catalog's view after every mutation so far (a full one, then deltas). */
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
        for (const r of m.removed)
          state.delete(
            'entityRef' in r ? r.entityRef : stringifyEntityRef(r.entity),
          );
      }
    }
    return [...state.values()];
  };
  return { connection, mutations, last };
}

async function startWithKubeconfig(seed: string) {
  const emulator = await startEmulator({ seed });
  const dir = mkdtempSync(join(tmpdir(), 'mp-catalog-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, emulator.kubeconfigYaml);
  return { emulator, kubeconfigPath };
}

describe('ModelPublishingEntityProvider against the kube emulator', () => {
  let emulator: Emulator;
  let kubeconfigPath: string;

  beforeAll(async () => {
    ({ emulator, kubeconfigPath } = await startWithKubeconfig(SEED));
  });
  const started: ModelPublishingEntityProvider[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map(p => p.stop()));
  });
  afterAll(async () => {
    await emulator?.close();
  });

  function provider(
    extra: Partial<ProviderConfig> = {},
    publications?: ReturnType<typeof publicationsSource>,
  ) {
    const p = new ModelPublishingEntityProvider({
      config: config(kubeconfigPath, extra),
      logger: mockServices.logger.mock(),
      publications,
      debounceMs: 50,
    });
    started.push(p);
    const components = recorder();
    const apis = recorder();
    return { p, components, apis };
  }

  function publicationsSource() {
    return {
      listPublications: async () => [
        publication({
          namespace: 'genai',
          name: 'qwen-chat',
          modelKind: 'openai' as const,
        }),
      ],
      getOpenApi: async (pub: ReturnType<typeof publication>) =>
        openapiFor(pub),
    };
  }

  it('reads every InferenceService and LLMInferenceService and maps them', async () => {
    const { p, components, apis } = provider({}, publicationsSource());
    await p.connect(components.connection);
    await p.apiProvider.connect(apis.connection);
    await expect(p.run()).resolves.toEqual({ components: 6, apis: 1 });

    const byName = Object.fromEntries(
      components.last().map(e => [e.metadata.name, e]),
    );
    expect(Object.keys(byName).sort()).toEqual([
      'fraud-iris',
      'genai-iris',
      'llama-3',
      'qwen-chat',
      'sklearn-iris',
      'xgboost-iris',
    ]);
    for (const entity of components.last()) await expectValidEntity(entity);
    for (const entity of apis.last()) await expectValidEntity(entity);

    // Owner / system / lifecycle through the Namespace, overridden on the InferenceService.
    expect(byName['sklearn-iris'].spec).toMatchObject({
      owner: 'group:default/fraud-team',
      system: 'fraud-detection',
      lifecycle: 'production',
    });
    expect(byName['xgboost-iris'].spec).toMatchObject({
      owner: 'group:default/risk-team',
    });
    expect(byName['llama-3'].spec).toMatchObject({
      owner: 'genai-team',
      lifecycle: 'experimental',
    });

    // Kinds, readiness, status fields that came back through the status subresource.
    expect(byName['xgboost-iris'].metadata.labels).toEqual({
      'model-publishing/ready': 'false',
      'model-publishing/published': 'false',
    });
    expect(byName['qwen-chat'].metadata.labels).toMatchObject({
      'model-publishing/published': 'true',
    });
    expect(byName['xgboost-iris'].metadata.annotations).toMatchObject({
      'model-publishing/protocol-version': 'v2',
      'model-publishing/runtime': 'kserve-mlserver',
      'model-publishing/ready-message':
        expect.stringContaining('RevisionMissing'),
    });
    expect(byName['qwen-chat'].metadata.annotations).toMatchObject({
      'model-publishing/model-format': 'huggingface',
      'model-publishing/runtime': 'kserve-huggingfaceserver',
    });
    expect(byName['llama-3'].metadata.annotations).toMatchObject({
      'model-publishing/resource-kind': 'LLMInferenceService',
      'model-publishing/inference-service': 'genai/llama-3',
      'model-publishing/url': 'http://llama-3.genai.example.com',
    });
    expect(
      byName['fraud-iris'].metadata.annotations![
        'model-publishing/model-format'
      ],
    ).toBe('sklearn');
    expect(
      byName['genai-iris'].metadata.annotations![
        'model-publishing/model-format'
      ],
    ).toBe('vllm');

    expect(apis.last().map(e => e.metadata.name)).toEqual(['qwen-chat-api']);
    expect(byName['qwen-chat'].spec!.providesApis).toEqual(['qwen-chat-api']);
    expect(apis.last()[0].spec).toMatchObject({
      owner: 'genai-team',
      type: 'openapi',
    });
  });

  it('reads only the configured namespaces', async () => {
    const { p, components } = provider({ namespaces: ['genai'] });
    await p.connect(components.connection);
    await p.run();
    expect(components.last().map(e => e.metadata.name)).toEqual([
      'iris',
      'llama-3',
      'qwen-chat',
    ]);
  });

  it('follows the cluster by watch: a deleted InferenceService leaves the catalog as a delta, without a run', async () => {
    const { p, components } = provider();
    await p.connect(components.connection);
    await p.run();
    expect(components.last().map(e => e.metadata.name)).toContain(
      'sklearn-iris',
    );

    emulator.requests.length = 0;
    await emulator.kubeConfig
      .makeApiClient(CustomObjectsApi)
      .deleteNamespacedCustomObject({
        group: 'serving.kserve.io',
        version: 'v1beta1',
        namespace: 'fraud',
        plural: 'inferenceservices',
        name: 'sklearn-iris',
      });
    await eventually(() => expect(components.mutations).toHaveLength(2));
    expect(components.mutations[1]).toEqual({
      type: 'delta',
      added: [],
      removed: [
        {
          entityRef: 'component:default/sklearn-iris',
          locationKey: 'model-publishing:local',
        },
      ],
    });
    expect(components.last()).toHaveLength(5);
    // The provider itself sent nothing to the cluster for it: the open watches carried the change.
    expect(
      emulator.requests.filter(
        r => r.method === 'GET' && !/watch=/.test(r.query),
      ),
    ).toEqual([]);
  });

  it('reads the cluster once, then only watches: runs send no request, namespaces are not read one by one', async () => {
    const { p, components } = provider();
    emulator.requests.length = 0;
    await p.connect(components.connection);
    await p.run();
    const first = emulator.requests.filter(r => r.method === 'GET');
    // One list per kind (InferenceService, LLMInferenceService, Namespace), then one watch per kind from
    // the list's resourceVersion, with bookmarks (Kubernetes API concepts, "Efficient detection of
    // changes"; "Watch bookmarks": https://kubernetes.io/docs/reference/using-api/api-concepts/).
    const lists = first.filter(r => !/watch=true/.test(r.query));
    expect(lists.map(r => r.path).sort()).toEqual([
      '/api/v1/namespaces',
      '/apis/serving.kserve.io/v1alpha2/llminferenceservices',
      '/apis/serving.kserve.io/v1beta1/inferenceservices',
    ]);
    emulator.requests.length = 0;
    await p.run();
    await p.run();
    expect(emulator.requests.filter(r => !/watch=true/.test(r.query))).toEqual(
      [],
    );
    expect(components.mutations).toHaveLength(1);
  });

  it('leaves the catalog alone when the cluster answers 500', async () => {
    const { p, components } = provider();
    await p.connect(components.connection);
    emulator.faults.failNth({
      n: 1,
      status: 500,
      pathPattern: 'inferenceservices',
      persistent: true,
    });
    try {
      const result = await p.run();
      expect(result.clusterError).toBeDefined();
      expect(components.mutations).toHaveLength(0);
    } finally {
      emulator.faults.clear();
    }
  });
});

const describeExamples = existsSync(EXAMPLES) ? describe : describe.skip;

describeExamples('the demo cluster (examples/cluster)', () => {
  it('puts every demo model in the catalog as a valid Component', async () => {
    const { emulator, kubeconfigPath } = await startWithKubeconfig(EXAMPLES);
    try {
      const expected = readSeedObjects(EXAMPLES)
        .map(o => o.object)
        .filter(
          o =>
            o.kind === 'InferenceService' || o.kind === 'LLMInferenceService',
        )
        .map(o => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`)
        .sort();
      const p = new ModelPublishingEntityProvider({
        config: config(kubeconfigPath),
        logger: mockServices.logger.mock(),
      });
      const components = recorder();
      await p.connect(components.connection);
      await p.run();
      const refs = components
        .last()
        .map(e => e.metadata.annotations!['model-publishing/inference-service'])
        .sort();
      expect(refs).toEqual(expected);
      expect(refs.length).toBeGreaterThan(0);
      for (const entity of components.last()) await expectValidEntity(entity);
      await p.stop();
    } finally {
      await emulator.close();
    }
  });
});
