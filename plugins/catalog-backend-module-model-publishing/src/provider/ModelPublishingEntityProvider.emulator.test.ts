import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
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
    connection: { kubeconfigPath },
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
  const last = (): Entity[] => {
    const m = mutations[mutations.length - 1];
    return m?.type === 'full' ? m.entities.map(e => e.entity) : [];
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
    });
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

  it('removes the Component when the InferenceService is deleted', async () => {
    const { p, components } = provider();
    await p.connect(components.connection);
    await p.run();
    expect(components.last().map(e => e.metadata.name)).toContain(
      'sklearn-iris',
    );

    await emulator.kubeConfig
      .makeApiClient(CustomObjectsApi)
      .deleteNamespacedCustomObject({
        group: 'serving.kserve.io',
        version: 'v1beta1',
        namespace: 'fraud',
        plural: 'inferenceservices',
        name: 'sklearn-iris',
      });
    await p.run();
    expect(components.mutations).toHaveLength(2);
    expect(components.last().map(e => e.metadata.name)).not.toContain(
      'sklearn-iris',
    );
    expect(components.last()).toHaveLength(5);
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
    } finally {
      await emulator.close();
    }
  });
});
