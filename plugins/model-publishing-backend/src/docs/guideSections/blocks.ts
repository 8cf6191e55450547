import type {
  GuideBlock,
  GuideLanguage,
} from '@model-publishing/plugin-model-publishing-common';

/** A fenced Markdown code block. */
export function fence(lang: string, code: string): string {
  return `\`\`\`${lang}\n${code}\n\`\`\``;
}

/** Markdown lines (blank lines between blocks) as one text block. */
export function text(...lines: string[]): GuideBlock {
  return { type: 'text', markdown: lines.join('\n') };
}

/** One client's example: `label` (Markdown) introduces code fenced as `fenceInfo`. */
export function example(
  language: GuideLanguage,
  label: string,
  fenceInfo: string,
  code: string,
): GuideBlock {
  return { type: 'example', language, label, fence: fenceInfo, code };
}
