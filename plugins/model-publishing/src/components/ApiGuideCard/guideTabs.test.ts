import { guideFor, guideLanguages, languageOf } from './guideTabs';

const guide = [
  '# Calling fraud-detector',
  '',
  'Send the key as a bearer token.',
  '',
  '```bash',
  'curl -H "Authorization: Bearer $KEY" https://x',
  '```',
  '',
  '```python',
  'import requests',
  '```',
  '',
  '```python',
  'from openai import OpenAI',
  '```',
  '',
  '```javascript',
  "const r = await fetch('https://x');",
  '```',
  '',
  '```json',
  '{"instances": []}',
  '```',
  '',
  'Handle 429 with Retry-After.',
  '',
].join('\n');

describe('guide tabs', () => {
  it('finds the languages, OpenAI SDK by its import', () => {
    expect(guideLanguages(guide)).toEqual([
      'curl',
      'python',
      'javascript',
      'openai',
    ]);
    expect(languageOf('js', "import OpenAI from 'openai';")).toBe('openai');
    expect(languageOf('yaml', 'a: 1')).toBeUndefined();
  });

  it('keeps prose and untagged blocks, and only the selected language', () => {
    const python = guideFor(guide, 'python');
    expect(python).toContain('import requests');
    expect(python).not.toContain('curl -H');
    expect(python).not.toContain('from openai');
    expect(python).toContain('{"instances": []}');
    expect(python).toContain('Handle 429');
    expect(guideFor(guide, 'curl')).toContain('curl -H');
  });

  it('leaves a guide without code blocks alone', () => {
    expect(guideLanguages('just text')).toEqual([]);
    expect(guideFor('just text', undefined)).toBe('just text');
  });

  it("drops a hidden example's label line with it (the backend guide's format)", () => {
    const md = [
      '### Predict',
      '',
      'Request body:',
      '',
      '```json',
      '{"instances": [[1, 2]]}',
      '```',
      '',
      '**curl**',
      '',
      '```bash',
      'curl -X POST https://x',
      '```',
      '',
      '**Python** (`requests`)',
      '',
      '```python',
      'import requests',
      '```',
      '',
      '**JavaScript** (`fetch`, Node.js 18+)',
      '',
      '```javascript',
      "await fetch('https://x')",
      '```',
      '',
    ].join('\n');
    const python = guideFor(md, 'python');
    expect(python).toContain('**Python** (`requests`)');
    expect(python).toContain('import requests');
    expect(python).toContain('{"instances": [[1, 2]]}');
    expect(python).not.toContain('**curl**');
    expect(python).not.toContain('**JavaScript**');
    expect(python).not.toContain('curl -X POST');
    expect(guideFor(md, 'curl')).toContain('**curl**');
  });
});
