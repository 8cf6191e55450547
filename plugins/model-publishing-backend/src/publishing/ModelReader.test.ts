import { startEmulator, type Emulator } from '@model-publishing/kube-emulator';
import * as isvcs from '../models/__testUtils__/inferenceServices';
import type { KubeObject } from '../gateway/types';
import { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import { CLUSTER, NAMESPACE, seedPaths } from '../__testUtils__/harness';
import { ModelReader, readiness } from './ModelReader';

jest.setTimeout(60_000);

describe('ModelReader', () => {
  let emulator: Emulator;
  let clusters: ClusterRegistry;
  const at = (name: string) => ({
    cluster: CLUSTER,
    namespace: NAMESPACE,
    name,
  });

  beforeAll(async () => {
    emulator = await startEmulator({
      seed: seedPaths([isvcs.llmInferenceService]),
    });
    clusters = new ClusterRegistry({
      clusters: [
        {
          name: CLUSTER,
          url: emulator.url,
          skipTLSVerify: true,
          authMetadata: {},
        },
      ],
      defaultCluster: CLUSTER,
      timeoutMs: 5000,
      maxConcurrent: 8,
      kubeConfigs: { [CLUSTER]: emulator.kubeConfig },
    });
  });
  afterAll(() => emulator.close());

  it('reads an InferenceService and detects its kind', async () => {
    const { isvc, detection } = await new ModelReader({ clusters }).load(
      at('sklearn-iris'),
    );
    expect(isvc.kind).toBe('InferenceService');
    expect(detection.kind).toBe('v1');
  });

  it('falls back to an LLMInferenceService of the same name, and 404s naming the kind asked for', async () => {
    const reader = new ModelReader({ clusters });
    const name = isvcs.llmInferenceService.metadata.name;
    const { isvc, detection } = await reader.load(at(name));
    expect(isvc).toMatchObject({
      kind: 'LLMInferenceService',
      apiVersion: 'serving.kserve.io/v1alpha2',
    });
    expect(detection.kind).toBe('openai');
    await expect(
      reader.load({ ...at(name), resourceKind: 'InferenceService' }),
    ).rejects.toThrow(
      `InferenceService ${NAMESPACE}/${name} not found in cluster '${CLUSTER}'`,
    );
    await expect(reader.load(at('missing'))).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });

  it('describes readiness with the Ready condition message', async () => {
    const info = await new ModelReader({ clusters }).describe(at('not-ready'));
    expect(info).toMatchObject({
      ready: false,
      readyMessage: expect.stringContaining('insufficient nvidia.com/gpu'),
    });
  });

  it('describes from the watched copy without a cluster request, and reads live what the watch does not hold', async () => {
    const copy = {
      ...isvcs.sklearnV1,
      status: {
        conditions: [
          { type: 'Ready', status: 'False', message: 'from the watch' },
        ],
      },
    } as KubeObject;
    const lookup = {
      inferenceService: (_c: string, _n: string, name: string) =>
        name === 'sklearn-iris' ? copy : undefined,
      servingRuntime: () => ({ found: undefined }),
    };
    const reader = new ModelReader({ clusters, models: lookup });
    emulator.requests.length = 0;
    expect(await reader.describe(at('sklearn-iris'))).toMatchObject({
      ready: false,
      readyMessage: 'from the watch',
    });
    expect(emulator.requests).toHaveLength(0);
    expect(await reader.describe(at('not-ready'))).toMatchObject({
      readyMessage: expect.stringContaining('insufficient nvidia.com/gpu'),
    });
    expect(emulator.requests.length).toBeGreaterThan(0);
  });

  it('builds from a Ready watched copy and confirms it with a live read; never from a copy that is not Ready', async () => {
    const copy = {
      ...isvcs.sklearnV1,
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    } as KubeObject;
    const lookup = {
      inferenceService: (_c: string, _n: string, name: string) =>
        name === 'sklearn-iris' ? copy : undefined,
    };
    const reader = new ModelReader({ clusters, models: lookup });
    const speculative = reader.speculative(at('sklearn-iris'))!;
    expect((await speculative.watched).isvc).toBe(copy);
    expect((await speculative.live).isvc.metadata.uid).toBeDefined();
    expect(reader.speculative(at('xgboost-iris'))).toBeUndefined();
    const notReady = new ModelReader({
      clusters,
      models: { inferenceService: () => ({ ...copy, status: {} }) },
    });
    expect(notReady.speculative(at('sklearn-iris'))).toBeUndefined();
    expect(readiness({ ...copy, status: {} }).message).toBe(
      'the InferenceService has no Ready condition yet',
    );
  });
});
