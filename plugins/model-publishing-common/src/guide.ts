import type {
  Guide,
  GuideBlock,
  GuideLanguage,
  GuideSection,
} from './generated/models';

/** Every client language a guide may have examples in, in tab order. */
export const GUIDE_LANGUAGES: GuideLanguage[] = [
  'curl',
  'python',
  'javascript',
  'openai',
];

/** A fenced Markdown code block. */
function fenced(fence: string, code: string): string {
  return `\`\`\`${fence}\n${code}\n\`\`\``;
}

function renderBlock(block: GuideBlock): string {
  if (block.type === 'text') return block.markdown;
  if (block.type === 'code') return fenced(block.fence, block.code);
  return `${block.label}\n\n${fenced(block.fence, block.code)}`;
}

function renderSection(
  section: GuideSection,
  language?: GuideLanguage,
): string {
  const blocks = section.blocks.filter(
    block =>
      block.type !== 'example' || !language || block.language === language,
  );
  return [
    `${'#'.repeat(section.level)} ${section.title}`,
    ...blocks.map(renderBlock),
  ].join('\n\n');
}

/**
 * The guide as Markdown: every example, or with `language` only that client's examples (prose, tables
 * and request/response bodies are always there). Pure; the backend's markdown and the portal's tabs
 * both come from here.
 */
export function renderGuideMarkdown(
  guide: Guide,
  language?: GuideLanguage,
): string {
  return `${guide.sections
    .map(section => renderSection(section, language))
    .join('\n\n')}\n`;
}

/** The languages the guide has examples in, in tab order. */
export function guideLanguages(guide: Guide): GuideLanguage[] {
  const present = new Set(
    guide.sections.flatMap(section =>
      section.blocks.flatMap(block =>
        block.type === 'example' ? [block.language] : [],
      ),
    ),
  );
  return GUIDE_LANGUAGES.filter(language => present.has(language));
}
