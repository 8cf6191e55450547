export type {
  KubeObject,
  BuildInput,
  BuildKey,
  GatewaySettings,
  PublicationEndpoint,
} from './types';
export {
  buildPublicationObjects,
  publicationEndpoints,
} from './buildPublicationObjects';
export { buildKeySecret } from './secret';
export { buildBackend } from './backend';
export { buildAIServiceBackend } from './aiServiceBackend';
export { buildSecurityPolicy, API_KEY_HEADERS } from './securityPolicy';
export {
  buildBackendTrafficPolicy,
  buildRateLimitRules,
  MAX_GLOBAL_RULES,
  MAX_LOCAL_RULES,
} from './backendTrafficPolicy';
export { buildHttpRoute } from './httpRoute';
export {
  buildEnvoyExtensionPolicy,
  RESPONSE_HEADERS_LUA,
} from './envoyExtensionPolicy';
export { buildAIGatewayRoute } from './aiGatewayRoute';
export {
  objectName,
  secretName,
  modelPathPrefix,
  llmHostname,
  LLM_COST_KEYS,
  AI_GATEWAY_METADATA_NAMESPACE,
} from './names';
export { resolveUpstream, deploymentMode, childName } from './upstream';
export type { ServingFacts, Upstream, ResolvedUpstream } from './upstream';
export {
  reviewGatewayPolicies,
  MERGEABLE_POLICY_KINDS,
} from './gatewayPolicies';
export type { PolicyReview } from './gatewayPolicies';
export { nameCollision, describeExistingOwner } from './names';
