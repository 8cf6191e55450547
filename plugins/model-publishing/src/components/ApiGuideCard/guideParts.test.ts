import type { Guide } from '@model-publishing/plugin-model-publishing-common';
import { guideParts, guideTabOrder } from './guideParts';

const guide: Guide = {
  sections: [
    {
      level: 2,
      title: 'Call it',
      blocks: [
        { type: 'text', markdown: 'Request body:' },
        { type: 'code', fence: 'json', code: '{ "instances": [[1]] }' },
        {
          type: 'example',
          language: 'curl',
          label: '**curl**',
          fence: 'bash',
          code: 'curl -H "Authorization: Bearer $KEY" \\\n  https://x.example.com',
        },
        {
          type: 'example',
          language: 'python',
          label: '**Python**',
          fence: 'python',
          code: 'import requests',
        },
        { type: 'text', markdown: 'Response:' },
        { type: 'code', fence: '', code: '{ "predictions": [1] }' },
      ],
    },
    {
      level: 2,
      title: 'Errors',
      blocks: [{ type: 'text', markdown: 'None.' }],
    },
  ],
};

describe('guideParts', () => {
  it("takes every code block out of the prose, in order, with its fence's language", () => {
    expect(guideParts(guide, 'curl')).toEqual([
      { type: 'markdown', markdown: '## Call it\n\nRequest body:' },
      { type: 'code', language: 'json', code: '{ "instances": [[1]] }' },
      { type: 'markdown', markdown: '**curl**' },
      {
        type: 'code',
        language: 'bash',
        code: 'curl -H "Authorization: Bearer $KEY" \\\n  https://x.example.com',
      },
      { type: 'markdown', markdown: 'Response:' },
      { type: 'code', language: 'text', code: '{ "predictions": [1] }' },
      { type: 'markdown', markdown: '## Errors\n\nNone.' },
    ]);
  });

  it("keeps only the chosen language's examples, every example without one", () => {
    const code = (language?: 'curl' | 'python') =>
      guideParts(guide, language).flatMap(p =>
        p.type === 'code' ? [p.code] : [],
      );
    expect(code('python')).toEqual([
      '{ "instances": [[1]] }',
      'import requests',
      '{ "predictions": [1] }',
    ]);
    expect(code()).toHaveLength(4);
  });
});

describe('guideTabOrder', () => {
  it('puts the OpenAI SDK first for an LLM and keeps the rest in order', () => {
    expect(guideTabOrder(['curl', 'python', 'javascript', 'openai'])).toEqual([
      'openai',
      'curl',
      'python',
      'javascript',
    ]);
    expect(guideTabOrder(['curl', 'python'])).toEqual(['curl', 'python']);
  });
});
