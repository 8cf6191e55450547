import { InputError } from '@backstage/errors';
import type {
  ModelKindDetection,
  PublishableModelKind,
} from '@model-publishing/plugin-model-publishing-common';
import { VLLM_OPENAI_PREFIX } from './detectModelKind';

/**
 * The kind a publish request may use: the owner's choice (`PublishConfig.modelKind`) when given,
 * else the detected kind when detection is sure. Low confidence and unknown need the owner to
 * confirm or choose (DESIGN §3); gRPC is refused. Throws InputError naming `modelKind`.
 */
export function resolvePublishKind(
  detection: ModelKindDetection,
  requested?: PublishableModelKind,
): { kind: PublishableModelKind; openaiPathPrefix?: string } {
  if (requested) {
    return requested === 'openai'
      ? {
          kind: 'openai',
          openaiPathPrefix: detection.openaiPathPrefix ?? VLLM_OPENAI_PREFIX,
        }
      : { kind: requested };
  }
  if (detection.kind === 'grpc') {
    throw new InputError(`modelKind: ${detection.reason}`);
  }
  if (detection.kind === 'unknown') {
    throw new InputError(
      `modelKind: the model kind could not be detected (${
        detection.reason
      }); choose one of ${detection.alternatives.join(', ')}`,
    );
  }
  if (detection.confidence === 'low') {
    throw new InputError(
      `modelKind: detection is unsure (${detection.reason}); confirm ${
        detection.kind
      } or choose one of ${detection.alternatives.join(', ')}`,
    );
  }
  return detection.kind === 'openai'
    ? {
        kind: 'openai',
        openaiPathPrefix: detection.openaiPathPrefix ?? VLLM_OPENAI_PREFIX,
      }
    : { kind: detection.kind };
}
