import { guideTabOrder, splitCodeBlocks } from './guideParts';

describe('splitCodeBlocks', () => {
  it('takes every fenced block out of the prose, in order, with its language', () => {
    const markdown = [
      '## Call it',
      '',
      '**curl**',
      '',
      '```bash',
      'curl -H "Authorization: Bearer $KEY" \\',
      '  https://x.example.com',
      '```',
      '',
      'Response:',
      '',
      '```',
      '{ "predictions": [1] }',
      '```',
      '',
      'Done.',
    ].join('\n');
    expect(splitCodeBlocks(markdown)).toEqual([
      { type: 'markdown', markdown: '## Call it\n\n**curl**' },
      {
        type: 'code',
        language: 'bash',
        code: 'curl -H "Authorization: Bearer $KEY" \\\n  https://x.example.com',
      },
      { type: 'markdown', markdown: 'Response:' },
      { type: 'code', language: 'text', code: '{ "predictions": [1] }' },
      { type: 'markdown', markdown: 'Done.' },
    ]);
  });

  it('leaves Markdown without code as one part', () => {
    expect(splitCodeBlocks('Just `inline` code.')).toEqual([
      { type: 'markdown', markdown: 'Just `inline` code.' },
    ]);
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
