/**
 * The example request of a published model (issue 23 item 8): the body its guide and "Try it" show for
 * the main call, so a fraud model's guide shows transactions and not some other model's data. It comes
 * from the owner — the publish config's `example`, or the InferenceService's annotation
 * ANNOTATION_EXAMPLE_REQUEST — because only they know the features their model expects. Pure.
 */

/** InferenceService annotation: a JSON request body for the model's main call (as PublishConfig.example). */
export const ANNOTATION_EXAMPLE_REQUEST = 'model-publishing/example-request';

/** The most an example body may take, as JSON. */
export const MAX_EXAMPLE_BYTES = 16_384;

export type ExampleBody = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Number of scalars in a (possibly nested) array. */
function scalarCount(v: unknown): number {
  return Array.isArray(v)
    ? v.reduce<number>((n, x) => n + scalarCount(x), 0)
    : 1;
}

/**
 * What is wrong with `example` as a request body of a model of `kind` (a message naming the field under
 * `example`), or undefined. v1: `instances` (or `inputs`) a non-empty array; v2: `inputs` a non-empty
 * array of tensors whose data fills their shape; openai: a chat body with `messages`.
 */
export function exampleProblem(
  kind: string,
  example: unknown,
): string | undefined {
  if (example === undefined) return undefined;
  if (!isObject(example))
    return 'example: must be a JSON object (the request body)';
  if (JSON.stringify(example).length > MAX_EXAMPLE_BYTES) {
    return `example: must be at most ${MAX_EXAMPLE_BYTES} bytes as JSON`;
  }
  if (kind === 'v1') {
    const list = example.instances ?? example.inputs;
    if (!Array.isArray(list) || list.length === 0) {
      return 'example.instances: a v1 request needs a non-empty "instances" array';
    }
    return undefined;
  }
  if (kind === 'v2') {
    const inputs = example.inputs;
    if (!Array.isArray(inputs) || inputs.length === 0) {
      return 'example.inputs: a v2 request needs a non-empty "inputs" array of tensors';
    }
    for (const [i, t] of inputs.entries()) {
      const at = `example.inputs[${i}]`;
      if (!isObject(t)) return `${at}: must be a tensor object`;
      if (typeof t.name !== 'string' || !t.name)
        return `${at}.name: must be a non-empty string`;
      if (typeof t.datatype !== 'string' || !t.datatype)
        return `${at}.datatype: must be a string such as FP32`;
      if (
        !Array.isArray(t.shape) ||
        !t.shape.every(n => Number.isInteger(n) && (n as number) >= 0)
      ) {
        return `${at}.shape: must be an array of whole numbers`;
      }
      if (!Array.isArray(t.data)) return `${at}.data: must be an array`;
      const size = (t.shape as number[]).reduce((a, n) => a * n, 1);
      const count = scalarCount(t.data);
      if (count !== size)
        return `${at}.data: has ${count} values and the shape [${t.shape.join(
          ', ',
        )}] needs ${size}`;
    }
    return undefined;
  }
  if (kind === 'openai') {
    if (!Array.isArray(example.messages) || example.messages.length === 0) {
      return 'example.messages: an OpenAI-compatible example is a chat request with a non-empty "messages" array';
    }
    return undefined;
  }
  return undefined;
}

/** The example an InferenceService's annotation gives, when it is a JSON object; undefined otherwise. */
export function exampleFromAnnotations(
  annotations: Record<string, string> | undefined,
): ExampleBody | undefined {
  const raw = annotations?.[ANNOTATION_EXAMPLE_REQUEST];
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The example a guide shows for a model of `kind`: the publish config's, else the annotation's, when it
 * is a valid body for that kind; undefined when the owner gave none (the guide then says so).
 */
export function modelExample(
  kind: string,
  configExample: ExampleBody | undefined,
  annotations: Record<string, string> | undefined,
): ExampleBody | undefined {
  for (const candidate of [
    configExample,
    exampleFromAnnotations(annotations),
  ]) {
    if (candidate && !exampleProblem(kind, candidate)) return candidate;
  }
  return undefined;
}
