import {
  renderGuideMarkdown,
  type Guide,
} from '@model-publishing/plugin-model-publishing-common';
import type { PublicationEndpoint } from '../gateway/types';
import { exampleCalls } from './examples';
import {
  checkGuideInput,
  type GuideDetection,
  type GuideOptions,
  type GuidePublication,
} from './guideInput';
import { callSection, examplesSection } from './guideSections/calls';
import { limitsSection, retrySection } from './guideSections/limits';
import {
  authenticationSection,
  endpointSection,
  titleSection,
} from './guideSections/overview';
import { errorsSection, modelNamesSection } from './guideSections/reference';

export type {
  GuideDetection,
  GuideOptions,
  GuidePublication,
} from './guideInput';

/**
 * The API guide of a publication as data: endpoint, authentication, limits, 429 handling, errors, and
 * examples in curl, Python and JavaScript (+ the OpenAI SDKs for LLMs), each example tagged with its
 * client. `endpoints[0]` must be the base URL (as `publicationEndpoints` returns it). Pure.
 */
export function buildGuideSections(
  publication: GuidePublication,
  detection: GuideDetection,
  endpoints: PublicationEndpoint[],
  options: GuideOptions = {},
): Guide {
  checkGuideInput(detection, endpoints);
  const kind = detection.kind;
  const task = detection.openaiTask;
  const model = options.modelName ?? publication.name;
  const baseUrl = endpoints[0].url.replace(/\/+$/, '');
  const calls = exampleCalls(kind, model, task, options.example);
  const mainCall = calls[0];
  const mainUrl = mainCall ? `${baseUrl}${mainCall.path}` : baseUrl;
  return {
    sections: [
      titleSection(publication, kind),
      endpointSection(baseUrl, model, kind, endpoints, task),
      authenticationSection(publication, baseUrl, mainCall),
      ...(kind === 'openai'
        ? [modelNamesSection(model, options.modelAliases ?? [])]
        : []),
      limitsSection(publication.config.rateLimits ?? {}, kind),
      retrySection(mainUrl, mainCall),
      errorsSection(kind, model),
      examplesSection(kind, task),
      ...calls.map(call => callSection(baseUrl, call, kind)),
    ],
  };
}

/** The API guide of a publication as Markdown, rendered from `buildGuideSections`. Pure. */
export function buildGuide(
  publication: GuidePublication,
  detection: GuideDetection,
  endpoints: PublicationEndpoint[],
  options: GuideOptions = {},
): string {
  return renderGuideMarkdown(
    buildGuideSections(publication, detection, endpoints, options),
  );
}
