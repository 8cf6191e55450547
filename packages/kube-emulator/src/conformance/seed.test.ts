import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { createSchemaValidator, exampleSeedDir, loadCrds, readSeedObjects, startEmulator, type Emulator } from '..';

jest.setTimeout(60000);

describe('seeding from examples/cluster', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ seed: exampleSeedDir() });
  });
  afterAll(() => emu.close());

  it('every seed object validates strictly against its schema', () => {
    const validator = createSchemaValidator(loadCrds());
    for (const { file, object } of readSeedObjects(exampleSeedDir())) {
      const r = validator.validate(object);
      expect({ file, name: object.metadata.name, errors: r.errors }).toEqual({ file, name: object.metadata.name, errors: [] });
    }
  });

  it('serves the namespaces, the gateway and the InferenceServices with their status', async () => {
    const core = emu.kubeConfig.makeApiClient(CoreV1Api);
    const custom = emu.kubeConfig.makeApiClient(CustomObjectsApi);
    const namespaces = (await core.listNamespace()).items.map(n => n.metadata!.name);
    expect(namespaces).toEqual(expect.arrayContaining(['default', 'fraud-detection', 'genai', 'envoy-gateway-system']));
    const gw: any = await custom.getNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace: 'envoy-gateway-system', plural: 'gateways', name: 'public-gateway' });
    expect(gw.spec.listeners.map((l: any) => `${l.name}:${l.port}`)).toEqual(['http:80', 'https:443']);
    expect(gw.status.conditions.find((c: any) => c.type === 'Programmed').status).toBe('True');

    const isvcs: any = await custom.listClusterCustomObject({ group: 'serving.kserve.io', version: 'v1beta1', plural: 'inferenceservices' });
    const summary = Object.fromEntries(
      isvcs.items.map((i: any) => [`${i.metadata.namespace}/${i.metadata.name}`, i.status.conditions.find((c: any) => c.type === 'Ready').status]),
    );
    expect(summary).toEqual({
      'fraud-detection/churn-lightgbm': 'False',
      'fraud-detection/fraud-sklearn': 'True',
      'fraud-detection/risk-xgboost': 'True',
      'genai/llama-vllm': 'True',
      'genai/qwen-chat': 'True',
    });
    const qwen = isvcs.items.find((i: any) => i.metadata.name === 'qwen-chat');
    expect(qwen.spec.predictor.model.args).toContain('--task=text_generation');
    expect(qwen.metadata.annotations['model-publishing/owner']).toBe('group:default/genai');
    expect(qwen.status.address.url).toBe('http://qwen-chat-predictor.genai.svc.cluster.local');
    const churn = isvcs.items.find((i: any) => i.metadata.name === 'churn-lightgbm');
    expect(churn.status.conditions.find((c: any) => c.type === 'Ready').message).toMatch(/AccessDenied/);
    const runtime: any = await custom.getNamespacedCustomObject({ group: 'serving.kserve.io', version: 'v1alpha1', namespace: 'genai', plural: 'servingruntimes', name: 'kserve-vllmserver' });
    expect(runtime.spec.supportedModelFormats[0].name).toBe('vllm');
  });
});
