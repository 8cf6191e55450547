import {
  detectModelKind,
  type PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import * as isvcs from '../../models/__testUtils__/inferenceServices';
import type {
  BuildInput,
  BuildKey,
  GatewaySettings,
  KubeObject,
} from '../types';

export const gateway: GatewaySettings = {
  name: 'models-gateway',
  namespace: 'envoy-gateway-system',
  sectionName: 'https',
  publicBaseUrl: 'https://models.example.com',
  llmHostnameTemplate: '{name}-{namespace}.llm.example.com',
  rateLimitMode: 'global',
};

/** Key-shaped test values (mpk_ + 38 base62): not real keys. */
export function testKey(i: number): BuildKey {
  const body = `${i}`.padStart(4, '0').repeat(10).slice(0, 38);
  return { clientId: `key-${i}`, key: `mpk_${body}` };
}

export function input(
  isvc: KubeObject,
  overrides: Partial<Omit<BuildInput, 'isvc' | 'config'>> & {
    config?: Partial<PublishConfig>;
  } = {},
): BuildInput {
  const detected = detectModelKind(isvc);
  const kind =
    detected.kind === 'openai' ||
    detected.kind === 'v1' ||
    detected.kind === 'v2'
      ? detected.kind
      : 'v1';
  return {
    publicationId: 'pub-0001',
    isvc,
    detection: { kind, openaiPathPrefix: detected.openaiPathPrefix },
    keys: [testKey(1), testKey(2)],
    gateway,
    ...overrides,
    config: { rateLimits: { requestsPerMinute: 60 }, ...overrides.config },
  };
}

export const v1Input = () => input(isvcs.sklearnV1);
export const v2Input = () => input(isvcs.xgboostV2);
export const vllmInput = () =>
  input(isvcs.vllm, {
    config: { rateLimits: { requestsPerMinute: 60, tokensPerHour: 100_000 } },
  });
export const hfInput = () => input(isvcs.hfTextGeneration);
