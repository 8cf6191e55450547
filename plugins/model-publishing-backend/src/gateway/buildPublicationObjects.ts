import { InputError } from '@backstage/errors';
import { servedModelName } from '@model-publishing/plugin-model-publishing-common';
import { buildAIGatewayRoute } from './aiGatewayRoute';
import { buildAIServiceBackend } from './aiServiceBackend';
import { buildBackend } from './backend';
import { buildBackendTrafficPolicy } from './backendTrafficPolicy';
import { buildEnvoyExtensionPolicy } from './envoyExtensionPolicy';
import { buildHttpRoute } from './httpRoute';
import { llmHostname, modelPathPrefix } from './names';
import { buildKeySecret } from './secret';
import { buildSecurityPolicy } from './securityPolicy';
import type {
  BuildInput,
  PublicationEndpoint,
  PublicationObject,
} from './types';
import { resolveUpstream } from './upstream';

/**
 * Every object a publication owns, in apply order: Secret → backends → SecurityPolicy →
 * BackendTrafficPolicy → route last, so the route is never reachable without auth and limits.
 * Delete in reverse.
 */
export function buildPublicationObjects(
  input: BuildInput,
): PublicationObject[] {
  const kind = input.detection.kind;
  if (kind !== 'openai' && kind !== 'v1' && kind !== 'v2') {
    throw new InputError(
      `detection.kind: "${kind}" cannot be published (openai, v1 or v2)`,
    );
  }
  const { upstream } = resolveUpstream(input.isvc, input.serving);
  if (kind === 'openai') {
    // An InferencePool is the AIGatewayRoute's backend itself: no Backend or AIServiceBackend.
    const backends =
      upstream.type === 'InferencePool'
        ? []
        : [buildBackend(input, upstream), buildAIServiceBackend(input)];
    const extension = buildEnvoyExtensionPolicy(input);
    return [
      buildKeySecret(input),
      ...backends,
      buildSecurityPolicy(input),
      buildBackendTrafficPolicy(input),
      ...(extension ? [extension] : []),
      buildAIGatewayRoute(input, upstream),
    ];
  }
  return [
    buildKeySecret(input),
    ...(upstream.type === 'FQDN' ? [buildBackend(input, upstream)] : []),
    buildSecurityPolicy(input),
    buildBackendTrafficPolicy(input),
    buildHttpRoute(input, upstream),
  ];
}

function parseBaseUrl(value: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error('scheme');
    return url;
  } catch {
    throw new InputError(
      `gateway.publicBaseUrl: "${value}" is not an http(s) URL`,
    );
  }
}

/**
 * The public URLs of a publication. The first entry is always the base URL every example in the
 * guide builds on (traditional: the model's path prefix; OpenAI: the `/v1` API root).
 */
export function publicationEndpoints(
  input: Pick<BuildInput, 'isvc' | 'detection' | 'config' | 'gateway'>,
): PublicationEndpoint[] {
  const base = parseBaseUrl(input.gateway.publicBaseUrl);
  const { name, namespace } = input.isvc.metadata;
  const model = servedModelName(input.isvc);
  const port = base.port ? `:${base.port}` : '';

  if (input.detection.kind === 'openai') {
    const host = llmHostname(input);
    const root = input.gateway.llmBaseUrlTemplate
      ? `${input.gateway.llmBaseUrlTemplate.replace(/\{hostname\}/g, host)}/v1`
      : `${base.protocol}//${host}${port}/v1`;
    return [
      {
        url: root,
        description: `OpenAI-compatible API base URL for model "${model}"`,
      },
      {
        url: `${root}/chat/completions`,
        description: 'Chat completions (streaming with "stream": true)',
      },
      { url: `${root}/completions`, description: 'Text completions' },
      {
        url: `${root}/embeddings`,
        description: 'Embeddings (embedding models only)',
      },
    ];
  }

  const root = input.config.hostname
    ? `${base.protocol}//${input.config.hostname}${port}`
    : `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const prefix = `${root}${modelPathPrefix(namespace!, name)}`;
  if (input.detection.kind === 'v2') {
    return [
      {
        url: prefix,
        description: `Base URL of model "${model}" (Open Inference Protocol, v2)`,
      },
      { url: `${prefix}/v2/models/${model}/infer`, description: 'Inference' },
      { url: `${prefix}/v2/models/${model}/ready`, description: 'Readiness' },
      { url: `${prefix}/v2/models/${model}`, description: 'Model metadata' },
    ];
  }
  return [
    {
      url: prefix,
      description: `Base URL of model "${model}" (KServe v1 protocol)`,
    },
    { url: `${prefix}/v1/models/${model}:predict`, description: 'Prediction' },
    { url: `${prefix}/v1/models/${model}`, description: 'Model status' },
  ];
}
