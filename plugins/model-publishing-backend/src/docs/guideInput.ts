import { InputError } from '@backstage/errors';
import type {
  ExampleBody,
  ModelKind,
  OpenAiTask,
  PublishableModelKind,
  Publication,
} from '@model-publishing/plugin-model-publishing-common';
import type { PublicationEndpoint } from '../gateway/types';

/** What the guide needs of a publication (a full `Publication` fits). */
export type GuidePublication = Pick<
  Publication,
  'name' | 'namespace' | 'config'
> &
  Partial<Pick<Publication, 'id' | 'cluster' | 'entityRef' | 'owner'>>;

/** What the guide needs of a detection (a `ModelKindDetection` fits). */
export interface GuideDetection {
  kind: ModelKind;
  openaiPathPrefix?: string;
  /** What an OpenAI-compatible model answers, when its manifest says (openaiTask in common). */
  openaiTask?: OpenAiTask;
}

export interface GuideOptions {
  /** The owner's example body for the main call (modelExample in common: publish config, else annotation). */
  example?: ExampleBody;
  /** The name clients address the model by (`model` in OpenAI bodies, `{name}` in v1/v2 paths). Default: the publication's name. */
  modelName?: string;
  /** Other names an OpenAI client may send as `model` (they route to the same model). Default: none. */
  modelAliases?: string[];
}

/**
 * Refuses what no guide or OpenAPI document can be written for: a model of another kind than v1, v2 or
 * OpenAI, or a publication without endpoints (`endpoints[0]` is the base URL).
 */
export function checkGuideInput(
  detection: GuideDetection,
  endpoints: PublicationEndpoint[],
): asserts detection is GuideDetection & { kind: PublishableModelKind } {
  if (
    detection.kind !== 'openai' &&
    detection.kind !== 'v1' &&
    detection.kind !== 'v2'
  ) {
    throw new InputError(
      `detection.kind: no guide for a ${detection.kind} model (openai, v1 or v2)`,
    );
  }
  if (endpoints.length === 0) {
    throw new InputError(
      'endpoints: a guide needs the base URL of the publication',
    );
  }
}
