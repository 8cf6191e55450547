import type { GuideResponse, Publication } from '@model-publishing/plugin-model-publishing-common';
import type { ModelReader } from '../publishing/ModelReader';
import { servedModelName } from '../models';
import { buildGuide } from './buildGuide';
import { buildOpenApiDocument } from './buildOpenApiDocument';

/** A publication's guide as the API and TechDocs serve it. */
export type RenderedGuide = GuideResponse;

/** Renders the API guide (markdown) and OpenAPI document of a publication's public endpoint. */
export class GuideRenderer {
  constructor(private readonly models: Pick<ModelReader, 'load'>) {}

  async render(publication: Publication): Promise<RenderedGuide> {
    // The name clients use (OpenAI `model`, v1/v2 path) comes from the InferenceService; if the model
    // is gone the guide still renders with the publication's name.
    const isvc = await this.models
      .load(publication)
      .then(m => m.isvc)
      .catch(() => undefined);
    const options = isvc ? { modelName: servedModelName(isvc) } : {};
    const detection = { kind: publication.modelKind };
    return {
      markdown: buildGuide(publication, detection, publication.endpoints, options),
      openapi: buildOpenApiDocument(publication, detection, publication.endpoints, options),
    };
  }
}
