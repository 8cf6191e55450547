import type {
  Guide,
  GuideLanguage,
} from '@model-publishing/plugin-model-publishing-common';
import { renderGuideMarkdown } from '@model-publishing/plugin-model-publishing-common';

/** A run of Markdown, or one fenced code block taken out of it (so it can get a copy button). */
export type GuidePart =
  | { type: 'markdown'; markdown: string }
  | { type: 'code'; language: string; code: string };

const FENCE = /^(```+|~~~+)\s*([\w+-]*)[^\n]*\n([\s\S]*?)\n\1[ \t]*$/gm;

/**
 * Splits Markdown into prose and fenced code blocks, in order (pure). Every code block of the guide is
 * shown with a copy button; the prose between them renders as Markdown.
 */
export function splitCodeBlocks(markdown: string): GuidePart[] {
  const parts: GuidePart[] = [];
  let last = 0;
  for (const match of markdown.matchAll(FENCE)) {
    const before = markdown.slice(last, match.index).trim();
    if (before) parts.push({ type: 'markdown', markdown: before });
    parts.push({ type: 'code', language: match[2] || 'text', code: match[3] });
    last = match.index! + match[0].length;
  }
  const rest = markdown.slice(last).trim();
  if (rest) parts.push({ type: 'markdown', markdown: rest });
  return parts;
}

/**
 * The guide's example tabs, in the order shown: for an LLM the OpenAI SDK comes first (what most of its
 * callers use), then curl, Python, JavaScript.
 */
export function guideTabOrder(languages: GuideLanguage[]): GuideLanguage[] {
  return languages.includes('openai')
    ? ['openai', ...languages.filter(l => l !== 'openai')]
    : languages;
}

/** The guide with one language's examples, split for rendering. */
export function guideParts(guide: Guide, language?: GuideLanguage) {
  return splitCodeBlocks(renderGuideMarkdown(guide, language));
}
