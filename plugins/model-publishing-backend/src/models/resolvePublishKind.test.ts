import { InputError } from '@backstage/errors';
import { detectModelKind } from './detectModelKind';
import { resolvePublishKind } from './resolvePublishKind';
import * as f from './__testUtils__/inferenceServices';

describe('resolvePublishKind', () => {
  it('uses a sure detection as it is', () => {
    expect(resolvePublishKind(detectModelKind(f.sklearnV1))).toEqual({
      kind: 'v1',
    });
    expect(resolvePublishKind(detectModelKind(f.hfTextGeneration))).toEqual({
      kind: 'openai',
      openaiPathPrefix: '/openai/v1',
    });
  });

  it('asks the owner to confirm a low-confidence detection, and to choose for unknown', () => {
    expect(() => resolvePublishKind(detectModelKind(f.hfNoTask))).toThrow(
      /^modelKind: detection is unsure .* confirm openai or choose one of v1, v2$/,
    );
    expect(() => resolvePublishKind(detectModelKind(f.customUnknown))).toThrow(
      /^modelKind: the model kind could not be detected/,
    );
    expect(() => resolvePublishKind(detectModelKind(f.customUnknown))).toThrow(
      InputError,
    );
  });

  it("takes the owner's choice, keeping the detected OpenAI prefix", () => {
    expect(resolvePublishKind(detectModelKind(f.hfNoTask), 'openai')).toEqual({
      kind: 'openai',
      openaiPathPrefix: '/openai/v1',
    });
    expect(resolvePublishKind(detectModelKind(f.hfNoTask), 'v2')).toEqual({
      kind: 'v2',
    });
    expect(
      resolvePublishKind(detectModelKind(f.customVllmImage), 'openai'),
    ).toEqual({ kind: 'openai', openaiPathPrefix: '/v1' });
  });

  it('refuses gRPC with the detection reason', () => {
    expect(() => resolvePublishKind(detectModelKind(f.grpcV2))).toThrow(
      /^modelKind: This model speaks gRPC/,
    );
  });
});
