import type {
  Guide,
  GuideLanguage,
} from '@model-publishing/plugin-model-publishing-common';

/** A run of Markdown, or one code block of the guide (so it can get a copy button). */
export type GuidePart =
  | { type: 'markdown'; markdown: string }
  | { type: 'code'; language: string; code: string };

/**
 * The guide's example tabs, in the order shown: for an LLM the OpenAI SDK comes first (what most of its
 * callers use), then curl, Python, JavaScript.
 */
export function guideTabOrder(languages: GuideLanguage[]): GuideLanguage[] {
  return languages.includes('openai')
    ? ['openai', ...languages.filter(l => l !== 'openai')]
    : languages;
}

/**
 * The guide with one language's examples (every example without `language`), as the card shows it:
 * headings, prose and example labels as Markdown runs, and every code block of the guide (request and
 * response bodies, examples) on its own, in order, so each gets a copy button. Built from the guide's
 * structure (pure).
 */
export function guideParts(
  guide: Guide,
  language?: GuideLanguage,
): GuidePart[] {
  const parts: GuidePart[] = [];
  let prose: string[] = [];
  const endProse = () => {
    if (prose.length) {
      parts.push({ type: 'markdown', markdown: prose.join('\n\n') });
    }
    prose = [];
  };
  for (const section of guide.sections) {
    prose.push(`${'#'.repeat(section.level)} ${section.title}`);
    for (const block of section.blocks) {
      if (block.type === 'text') {
        prose.push(block.markdown);
      } else if (
        block.type === 'code' ||
        !language ||
        block.language === language
      ) {
        if (block.type === 'example') prose.push(block.label);
        endProse();
        parts.push({
          type: 'code',
          language: block.fence || 'text',
          code: block.code,
        });
      }
    }
  }
  endProse();
  return parts;
}
