import type {
  GuideBlock,
  GuideLanguage,
} from '@model-publishing/plugin-model-publishing-common';

/** Markdown lines (blank lines between blocks) as one text block. */
export function text(...lines: string[]): GuideBlock {
  return { type: 'text', markdown: lines.join('\n') };
}

/** A code block that is no client's example (a request or response body). */
export function code(fenceInfo: string, source: string): GuideBlock {
  return { type: 'code', fence: fenceInfo, code: source };
}

/** One client's example: `label` (Markdown) introduces code fenced as `fenceInfo`. */
export function example(
  language: GuideLanguage,
  label: string,
  fenceInfo: string,
  source: string,
): GuideBlock {
  return { type: 'example', language, label, fence: fenceInfo, code: source };
}
