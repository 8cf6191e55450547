import type { GuideLanguage } from '@model-publishing/plugin-model-publishing-common';

export type { GuideLanguage };

/** Tab labels of the guide's client languages. */
export const LANGUAGE_LABELS: Record<GuideLanguage, string> = {
  curl: 'curl',
  python: 'Python',
  javascript: 'JavaScript',
  openai: 'OpenAI SDK',
};
