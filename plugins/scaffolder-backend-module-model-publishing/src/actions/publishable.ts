import { ConflictError, InputError } from '@backstage/errors';
import type { RateLimits } from '@model-publishing/plugin-model-publishing-common';
import type { ModelView } from '../client/ModelPublishingClient';

const TOKEN_LIMITS = ['tokensPerMinute', 'tokensPerHour', 'tokensPerDay'];

/** A publication that is on the gateway or on its way there (not removed, not being removed). */
function isLive(status: string | undefined): boolean {
  return (
    status !== undefined &&
    status !== 'unpublished' &&
    status !== 'unpublishing'
  );
}

/**
 * Why the model cannot be published with these settings, before anything is sent (pure): already
 * published, not Ready, or token limits for a model that is not OpenAI-compatible. Each message says
 * what to do instead. Undefined when nothing stands in the way (the backend still decides).
 */
export function publishBlocker(input: {
  entityRef: string;
  view: ModelView;
  rateLimits?: RateLimits;
  modelKind?: 'openai' | 'v1' | 'v2';
  publishTabUrl: string;
}): Error | undefined {
  const { entityRef, view, publishTabUrl } = input;
  const publication = view.publication;
  if (publication && isLive(publication.status)) {
    const url = publication.endpoints?.[0]?.url;
    return new ConflictError(
      `${entityRef} is already published (status: ${publication.status}${
        url ? `, endpoint ${url}` : ''
      }). To change its limits, use its Publish tab (${publishTabUrl}) or the model-publishing:update action`,
    );
  }
  if (!view.model.ready) {
    return new ConflictError(
      `${entityRef} is not Ready in the cluster${
        view.model.readyMessage ? ` (${view.model.readyMessage})` : ''
      }, so it cannot be published yet. Run the template again once KServe reports the model Ready`,
    );
  }
  const tokenLimits = TOKEN_LIMITS.filter(
    k => input.rateLimits?.[k as keyof RateLimits] !== undefined,
  );
  const detected = view.model.detection?.kind;
  const kind = input.modelKind ?? detected;
  if (tokenLimits.length && kind && kind !== 'openai' && kind !== 'unknown') {
    return new InputError(
      `rateLimits.${
        tokenLimits[0]
      }: token limits apply only to OpenAI-compatible models (LLMs), and ${entityRef} is a ${
        kind === 'grpc' ? 'gRPC' : `${kind} (predictive)`
      } model. Leave the token limits empty; request limits apply to every model`,
    );
  }
  return undefined;
}
