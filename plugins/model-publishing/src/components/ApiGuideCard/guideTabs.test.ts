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
});
