import { binaryClassifier, kserveV1Stub, kserveV2Stub, probability } from './kserve';
import { openaiStub } from './openai';
import { ModelServerStub, StubTiming } from './types';

/**
 * Model servers for the demo InferenceServices of `examples/cluster`, behind the predictor Services their
 * routes point at. `churn-lightgbm` has none: its model never loaded, so its route answers 503.
 */
export function demoModelServers(timing: StubTiming = { latencyScale: 1 }): ModelServerStub[] {
  return [
    kserveV1Stub({ ...timing, host: 'fraud-sklearn-predictor.fraud-detection', model: 'fraud-sklearn', scorer: binaryClassifier, latencyMs: 4 }),
    kserveV2Stub({
      ...timing,
      host: 'risk-xgboost-predictor.fraud-detection',
      model: 'risk-xgboost',
      scorer: probability,
      latencyMs: 6,
      inputs: [{ name: 'input-0', datatype: 'FP32', shape: [-1, 4] }],
    }),
    // KServe's Hugging Face server serves the OpenAI API under /openai/v1.
    openaiStub({ ...timing, host: 'qwen-chat-predictor.genai', model: 'qwen-chat', prefix: '/openai/v1', firstTokenMs: 40, perTokenMs: 6 }),
    openaiStub({ ...timing, host: 'llama-vllm-predictor.genai', model: 'llama-vllm', prefix: '/v1', firstTokenMs: 80, perTokenMs: 12 }),
  ];
}
