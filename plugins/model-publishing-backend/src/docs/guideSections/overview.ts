import type {
  GuideSection,
  OpenAiTask,
  PublishableModelKind,
} from '@model-publishing/plugin-model-publishing-common';
import type { PublicationEndpoint } from '../../gateway/types';
import type { ExampleCall } from '../examples';
import type { GuidePublication } from '../guideInput';
import { ownerText } from '../ownerText';
import { API_KEY_ENV, curlSnippet } from '../snippets';
import { example, text } from './blocks';
import { LIMIT_ROWS } from './limits';

const KIND_LABEL: Record<PublishableModelKind, string> = {
  v1: 'KServe v1 protocol (`:predict`)',
  v2: 'Open Inference Protocol (KServe v2, `/infer`)',
  openai: 'OpenAI-compatible API',
};

/** "a KServe …", "an Open Inference …", "an OpenAI-compatible …" (pure). */
export function withArticle(phrase: string): string {
  return `${/^[aeiou]/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

/** The guide's title: the owner's description and what protocol the model speaks. */
export function titleSection(
  publication: GuidePublication,
  kind: PublishableModelKind,
): GuideSection {
  return {
    level: 1,
    title: `${publication.name} — API guide`,
    blocks: [
      ...(publication.config.description
        ? [text(ownerText(publication.config.description))]
        : []),
      text(
        `The model \`${publication.namespace}/${
          publication.name
        }\` is published as ${withArticle(KIND_LABEL[kind])}.`,
        'This guide is generated from the publication and stays in step with it.',
      ),
    ],
  };
}

/** The endpoints an OpenAI-compatible model of this task answers (all when the task is unknown). */
function endpointsForTask(
  endpoints: PublicationEndpoint[],
  task: OpenAiTask | undefined,
): PublicationEndpoint[] {
  if (!task) return endpoints;
  const generative = /\/(chat\/completions|completions)$/;
  return endpoints.filter(e =>
    task === 'embed' ? !generative.test(e.url) : !/\/embeddings$/.test(e.url),
  );
}

/** "Endpoint": the base URL, the model name, and the URLs the model answers. */
export function endpointSection(
  baseUrl: string,
  model: string,
  kind: PublishableModelKind,
  endpoints: PublicationEndpoint[],
  task: OpenAiTask | undefined,
): GuideSection {
  return {
    level: 2,
    title: 'Endpoint',
    blocks: [
      text(
        `Base URL: \`${baseUrl}\``,
        '',
        kind === 'openai'
          ? `Use it as the \`base_url\` / \`baseURL\` of any OpenAI client, and \`"model": "${model}"\` in every request.`
          : `Model name in paths: \`${model}\`.`,
        '',
        '| URL | What |',
        '| --- | --- |',
        ...endpointsForTask(endpoints, task).map(
          e => `| \`${e.url}\` | ${e.description} |`,
        ),
      ),
    ],
  };
}

/** The portal page where a consumer requests a key for this model. */
function accessLink(publication: GuidePublication): string {
  const match = /^([^:]+):([^/]+)\/(.+)$/.exec(publication.entityRef ?? '');
  if (!match) return '`/model-access`';
  const [, kind, namespace, name] = match;
  return `[request access](/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/access)`;
}

/** The plans a consumer may choose from (the default plan is the limits below). */
function planLines(publication: GuidePublication): string[] {
  const plans = (publication.config.plans ?? []).filter(
    p => p.name !== 'default',
  );
  if (!plans.length) return [];
  return [
    '',
    '| Plan | Limits | Approval |',
    '| --- | --- | --- |',
    '| default | the limits below | by the owners |',
    ...plans.map(p => {
      const limits = LIMIT_ROWS.filter(
        ([k]) => typeof p.rateLimits?.[k] === 'number',
      )
        .map(
          ([k, label]) =>
            `${p.rateLimits![k]} ${label.toLocaleLowerCase('en-US')}`,
        )
        .join(', ');
      return `| ${p.name} | ${limits || 'none'} | ${
        p.approval === 'automatic' ? 'automatic' : 'by the owners'
      } |`;
    }),
    '',
  ];
}

/** "Authentication": how to get a key (plans, approval), how to send it, and what rotation means. */
export function authenticationSection(
  publication: GuidePublication,
  baseUrl: string,
  mainCall: ExampleCall | undefined,
): GuideSection {
  return {
    level: 2,
    title: 'Authentication',
    blocks: [
      text(
        `Every request needs an API key. Request one on the model's **Access** tab in the portal (${accessLink(
          publication,
        )}):`,
        'choose a plan, say what you will use the model for, and pick who the key belongs to: you, a team you are in, or a',
        'Component you own (so the key belongs to your application). Automatic plans give the key at once; otherwise the',
        "model's owners are notified, and once they approve you collect the key on **My model access** (`/model-access`).",
        ...planLines(publication),
        'A key is shown only once; keep it in a secret store or an environment variable',
        `(the examples read \`${API_KEY_ENV}\`), never in code.`,
        '',
        'Send it in either header:',
        '',
        '- `Authorization: Bearer <key>` (what OpenAI clients send), or',
        '- `x-api-key: <key>`.',
        '',
        'The gateway removes the key before the request reaches the model. When a key is rotated, the old one keeps',
        'working for the grace period the owner chose (24 hours unless they said otherwise): switch to the new key within it.',
        'Both keys draw on one budget meanwhile: rotating does not double your limits.',
      ),
      ...(mainCall
        ? [
            example(
              'curl',
              'With `x-api-key`:',
              'bash',
              curlSnippet(`${baseUrl}${mainCall.path}`, mainCall, 'x-api-key'),
            ),
          ]
        : []),
    ],
  };
}
