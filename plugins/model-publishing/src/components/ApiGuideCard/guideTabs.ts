export type GuideLanguage = 'curl' | 'python' | 'javascript' | 'openai';

export const LANGUAGE_LABELS: Record<GuideLanguage, string> = {
  curl: 'curl',
  python: 'Python',
  javascript: 'JavaScript',
  openai: 'OpenAI SDK',
};

type Segment =
  | { type: 'prose'; text: string }
  | { type: 'code'; text: string; language?: GuideLanguage };

const FENCE = /^(```|~~~)\s*([\w+-]*)[^\n]*\n[\s\S]*?^\1\s*$/gm;

/** Which tab a fenced code block belongs to, from its info string and (for the SDK) its content. */
export function languageOf(
  info: string,
  code: string,
): GuideLanguage | undefined {
  const lang = info.toLowerCase();
  const usesOpenAiSdk =
    /\bfrom openai import\b|\bimport openai\b|from ['"]openai['"]|require\(['"]openai['"]\)|new OpenAI\(/.test(
      code,
    );
  if (['bash', 'sh', 'shell', 'curl', 'console'].includes(lang)) return 'curl';
  if (['python', 'py'].includes(lang))
    return usesOpenAiSdk ? 'openai' : 'python';
  if (['javascript', 'js', 'typescript', 'ts', 'node', 'mjs'].includes(lang)) {
    return usesOpenAiSdk ? 'openai' : 'javascript';
  }
  return undefined;
}

/** Splits the guide's markdown into prose and code blocks, tagging each block with its tab. */
export function splitGuide(markdown: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of markdown.matchAll(FENCE)) {
    const index = match.index ?? 0;
    if (index > last)
      segments.push({ type: 'prose', text: markdown.slice(last, index) });
    const block = match[0];
    const body = block.slice(block.indexOf('\n') + 1);
    segments.push({
      type: 'code',
      text: block,
      language: languageOf(match[2] ?? '', body),
    });
    last = index + block.length;
  }
  if (last < markdown.length)
    segments.push({ type: 'prose', text: markdown.slice(last) });
  return segments;
}

/** Tabs to offer: languages with at least one example, in a fixed order. */
export function guideLanguages(markdown: string): GuideLanguage[] {
  const present = new Set(
    splitGuide(markdown).flatMap(s =>
      s.type === 'code' && s.language ? [s.language] : [],
    ),
  );
  return (Object.keys(LANGUAGE_LABELS) as GuideLanguage[]).filter(l =>
    present.has(l),
  );
}

/** A trailing label paragraph such as `**Python** (\`requests\`)` that introduces the next code block. */
const TRAILING_LABEL = /(^|\n)\*\*[^\n]+\*\*[^\n]*\n\s*$/;

/**
 * The guide as seen under one tab: all prose, untagged code (JSON bodies, responses), and the code of
 * that language only. A dropped block's label line (the guide writes `**curl**`, `**Python** (…)`
 * before each example) goes with it.
 */
export function guideFor(
  markdown: string,
  language: GuideLanguage | undefined,
): string {
  const out: string[] = [];
  for (const segment of splitGuide(markdown)) {
    const keep =
      segment.type === 'prose' ||
      !segment.language ||
      !language ||
      segment.language === language;
    if (keep) {
      out.push(segment.text);
    } else if (out.length > 0) {
      out[out.length - 1] = out[out.length - 1].replace(TRAILING_LABEL, '$1');
    }
  }
  return out.join('');
}
