import { NotFoundError } from '@backstage/errors';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import { publicationEndpoints } from '../gateway/buildPublicationObjects';
import { vllmInput } from '../gateway/__testUtils__/inputs';
import { GuideRenderer } from './GuideRenderer';

/** A published vLLM model whose server answers to a name other than the InferenceService's. */
function published() {
  const input = vllmInput();
  const isvc = {
    ...input.isvc,
    spec: {
      predictor: {
        model: {
          modelFormat: { name: 'vLLM' },
          args: ['--served-model-name=llama-3-8b-instruct'],
        },
      },
    },
  };
  const publication = {
    id: input.publicationId,
    cluster: 'local',
    namespace: isvc.metadata.namespace!,
    name: isvc.metadata.name,
    modelKind: 'openai',
    config: input.config,
    endpoints: publicationEndpoints(input),
  } as unknown as Publication;
  return { isvc, publication };
}

describe('GuideRenderer', () => {
  it('renders the guide and OpenAPI document with the name the model server answers to', async () => {
    const { isvc, publication } = published();
    const renderer = new GuideRenderer({
      load: async () => ({ isvc, detection: {} as any }),
    });
    const guide = await renderer.render(publication);
    expect(guide.markdown).toContain('"model": "llama-3-8b-instruct"');
    expect(guide.markdown).toContain(publication.endpoints[0].url);
    expect(JSON.stringify(guide.openapi)).toContain('llama-3-8b-instruct');
    // what a client needs, the same base URL and model name the examples use
    expect(guide.connection).toEqual({
      baseUrl: publication.endpoints[0].url.replace(/\/+$/, ''),
      model: 'llama-3-8b-instruct',
      modelKind: 'openai',
      apiKeyEnv: 'MODEL_API_KEY',
    });
  });

  it("still renders, with the publication's name, when the model is gone", async () => {
    const { publication } = published();
    const renderer = new GuideRenderer({
      load: async () => {
        throw new NotFoundError('InferenceService models/x not found');
      },
    });
    const guide = await renderer.render(publication);
    expect(guide.markdown).toContain(`"model": "${publication.name}"`);
    expect(guide.markdown).not.toContain('llama-3-8b-instruct');
  });

  it("uses the publish config's example, else the InferenceService's annotation (issue 23 item 8)", async () => {
    const { isvc, publication } = published();
    const chat = {
      messages: [{ role: 'user', content: 'Classify this support ticket.' }],
    };
    const annotated = {
      ...isvc,
      metadata: {
        ...isvc.metadata,
        annotations: {
          'model-publishing/example-request': JSON.stringify(chat),
        },
      },
    };
    const renderer = new GuideRenderer({
      load: async () => ({ isvc: annotated, detection: {} as any }),
    });
    expect((await renderer.render(publication)).markdown).toContain(
      'Classify this support ticket.',
    );
    const given = {
      ...publication,
      config: {
        ...publication.config,
        example: { messages: [{ role: 'user', content: 'Owner example' }] },
      },
    } as Publication;
    const md = (await renderer.render(given)).markdown;
    expect(md).toContain('Owner example');
    expect(md).not.toContain('Classify this support ticket.');
  });
});
