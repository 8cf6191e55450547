import {
  exampleFromAnnotations,
  exampleProblem,
  modelExample,
} from './example';
import { publishConfigSchema } from './schemas';

describe('exampleProblem', () => {
  it.each([
    ['v1', { instances: [[1, 2]] }],
    ['v1', { inputs: [[1, 2]] }],
    [
      'v2',
      {
        inputs: [
          {
            name: 'x',
            shape: [2, 2],
            datatype: 'FP32',
            data: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      },
    ],
    ['openai', { messages: [{ role: 'user', content: 'hi' }] }],
    ['v2', undefined],
  ])('accepts a %s body (%#)', (kind, example) => {
    expect(exampleProblem(kind, example)).toBeUndefined();
  });

  it.each([
    ['v1', [1, 2], /^example: must be a JSON object/],
    ['v1', { instances: [] }, /^example\.instances:/],
    ['v2', { inputs: [] }, /^example\.inputs:/],
    [
      'v2',
      { inputs: [{ name: 'x', shape: [2], datatype: 'FP32', data: [1] }] },
      /^example\.inputs\[0\]\.data: has 1 values and the shape \[2\] needs 2/,
    ],
    [
      'v2',
      { inputs: [{ shape: [1], datatype: 'FP32', data: [1] }] },
      /^example\.inputs\[0\]\.name:/,
    ],
    ['openai', { prompt: 'hi' }, /^example\.messages:/],
    ['v1', { instances: [['x'.repeat(20_000)]] }, /at most 16384 bytes/],
  ])(
    'refuses a bad %s body, naming the field (%#)',
    (kind, example, message) => {
      expect(exampleProblem(kind, example)).toMatch(message);
    },
  );
});

describe('modelExample', () => {
  const annotations = {
    'model-publishing/example-request': JSON.stringify({ instances: [[9, 9]] }),
  };
  it("prefers the publish config's example, then the annotation, when valid for the kind", () => {
    expect(modelExample('v1', { instances: [[1]] }, annotations)).toEqual({
      instances: [[1]],
    });
    expect(modelExample('v1', undefined, annotations)).toEqual({
      instances: [[9, 9]],
    });
    // The annotation is a v1 body: no example for a v2 model.
    expect(modelExample('v2', undefined, annotations)).toBeUndefined();
    expect(
      exampleFromAnnotations({
        'model-publishing/example-request': '{not json',
      }),
    ).toBeUndefined();
  });

  it('is a field of the publish config', () => {
    expect(
      publishConfigSchema.parse({ example: { instances: [[1]] } }).example,
    ).toEqual({ instances: [[1]] });
    expect(publishConfigSchema.safeParse({ example: 'text' }).success).toBe(
      false,
    );
  });
});
