import type {
  GuideSection,
  ModelKind,
} from '@model-publishing/plugin-model-publishing-common';
import { text } from './blocks';

/**
 * OpenAI models: which `model` values route, and the `x-ai-eg-model` header. AI Gateway routes on
 * that header, which it sets from the body's `model`; where the body is not read before routing,
 * the request gets 404 "No matching route found" unless the client sends the header itself
 * (envoyproxy/ai-gateway#1944, #1485).
 */
export function modelNamesSection(
  model: string,
  aliases: string[],
): GuideSection {
  const others = aliases.filter(a => a !== model);
  const lines = [
    others.length
      ? `Send \`"model": "${model}"\`. These names route to the same model too, and the gateway passes \`${model}\` on to it: ${others
          .map(a => `\`${a}\``)
          .join(', ')}.`
      : `Send \`"model": "${model}"\`.`,
    '',
    'The gateway picks the model by the `x-ai-eg-model` request header, which it fills from `model` in the JSON',
    'body. A client that sends the body in a way the gateway does not read before routing (some streaming or',
    'proxying clients) gets `404` with "No matching route found": send the header yourself, with the same name',
    `as \`model\`: add \`-H "x-ai-eg-model: ${model}"\` to the curl examples, or`,
    `\`extra_headers={"x-ai-eg-model": "${model}"}\` (Python SDK) / \`{ headers: { 'x-ai-eg-model': '${model}' } }\``,
    '(JavaScript SDK, as request options).',
  ];
  return { level: 2, title: 'Model names', blocks: [text(...lines)] };
}

/** "Errors": what each status means and what the caller does about it. */
export function errorsSection(kind: ModelKind, model: string): GuideSection {
  const notFound =
    kind === 'openai'
      ? `Unknown path, or \`model\` in the body is not \`${model}\` or one of its names (send \`x-ai-eg-model: ${model}\`, see Model names).`
      : `Unknown path: check the base URL and the model name \`${model}\` in the path.`;
  const table = [
    '| Status | Meaning | What to do |',
    '| --- | --- | --- |',
    '| `400` | The model server could not read the request body. | Fix the body; see the examples. |',
    `| \`401\` | No API key, or the key is unknown, revoked or expired. | Send \`Authorization: Bearer <key>\` or \`x-api-key: <key>\` with a valid key. |`,
    '| `403` | The key is valid but not allowed on this endpoint. | Use a key issued for this model. |',
    `| \`404\` | ${notFound} | Check the URL${
      kind === 'openai' ? ' and the `model` field' : ''
    }. |`,
    '| `413` | The request body is too large for the gateway. | Send smaller batches. |',
    '| `429` | A rate or token limit of the key is reached. | Wait and retry as described above. |',
    '| `500` | The model failed on this input. | Report it to the model owner with the time of the request. |',
    '| `502`, `503`, `504` | The model is unavailable, starting, overloaded or too slow. | Retry with backoff; if it lasts, tell the model owner. |',
  ];
  return { level: 2, title: 'Errors', blocks: [text(...table)] };
}
