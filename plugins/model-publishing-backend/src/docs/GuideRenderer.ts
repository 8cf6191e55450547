import {
  modelExample,
  openaiTask,
  renderGuideMarkdown,
  servedModelName,
  type ClientConnection,
  type GuideResponse,
  type Publication,
} from '@model-publishing/plugin-model-publishing-common';
import type { ModelReader } from '../publishing/ModelReader';
import { buildGuideSections } from './buildGuide';
import { buildOpenApiDocument } from './buildOpenApiDocument';
import { API_KEY_ENV } from './snippets';

/** A publication's guide as the API and TechDocs serve it. */
export type RenderedGuide = GuideResponse & { connection: ClientConnection };

/**
 * Renders the API guide (as data, and as markdown rendered from it) and the OpenAPI document of a
 * publication's public endpoint.
 */
export class GuideRenderer {
  constructor(private readonly models: Pick<ModelReader, 'load'>) {}

  async render(publication: Publication): Promise<RenderedGuide> {
    // The name clients use (OpenAI `model`, v1/v2 path) comes from the InferenceService; if the model
    // is gone the guide still renders with the publication's name.
    const isvc = await this.models
      .load(publication)
      .then(m => m.isvc)
      .catch(() => undefined);
    // The owner's example (publish config, else the InferenceService's annotation), never another model's data.
    const example = modelExample(
      publication.modelKind,
      publication.config.example,
      isvc?.metadata?.annotations,
    );
    const options = {
      ...(isvc ? { modelName: servedModelName(isvc) } : {}),
      ...(example ? { example } : {}),
    };
    // A chat model's guide shows no embeddings call, an embedding model's no chat.
    const detection = {
      kind: publication.modelKind,
      ...(isvc && publication.modelKind === 'openai'
        ? { openaiTask: openaiTask(isvc) }
        : {}),
    };
    const guide = buildGuideSections(
      publication,
      detection,
      publication.endpoints,
      options,
    );
    return {
      markdown: renderGuideMarkdown(guide),
      guide,
      openapi: buildOpenApiDocument(
        publication,
        detection,
        publication.endpoints,
        options,
      ),
      // The same base URL and model name the guide's examples use (buildGuideSections checked the endpoints).
      connection: {
        baseUrl: publication.endpoints[0].url.replace(/\/+$/, ''),
        model: options.modelName ?? publication.name,
        modelKind: publication.modelKind,
        apiKeyEnv: API_KEY_ENV,
      },
    };
  }
}
