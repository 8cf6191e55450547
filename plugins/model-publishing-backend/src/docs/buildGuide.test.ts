import SwaggerParser from '@apidevtools/swagger-parser';
import { InputError } from '@backstage/errors';
import { publicationEndpoints } from '../gateway/buildPublicationObjects';
import { v1Input, v2Input, vllmInput } from '../gateway/__testUtils__/inputs';
import type { BuildInput } from '../gateway/types';
import {
  modelAliases,
  servedModelName,
} from '@model-publishing/plugin-model-publishing-common';
import { buildGuide, type GuidePublication } from './buildGuide';
import { buildOpenApiDocument } from './buildOpenApiDocument';

function guideInputs(make: () => BuildInput, modelName?: string) {
  const input = make();
  const publication: GuidePublication = {
    name: input.isvc.metadata.name,
    namespace: input.isvc.metadata.namespace!,
    config: input.config,
  };
  return [
    publication,
    input.detection,
    publicationEndpoints(input),
    { modelName },
  ] as const;
}

const fences = (md: string, lang: string) =>
  [
    ...md.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\``, 'g')),
  ].map(m => m[1]);

describe('buildGuide', () => {
  it.each([
    [v1Input, 'is published as a KServe v1 protocol'],
    [v2Input, 'is published as an Open Inference Protocol'],
    [vllmInput, 'is published as an OpenAI-compatible API'],
  ])('uses the right article before the kind (%#)', (make, phrase) => {
    const md = buildGuide(...guideInputs(make));
    expect(md).toContain(phrase);
    expect(md).not.toMatch(/\ban [^aeiouAEIOU\W]/);
  });

  it("a chat model's guide lists no embeddings call, an embedding model's no chat", () => {
    const [publication, detection, endpoints, options] = guideInputs(vllmInput);
    const chat = buildGuide(
      publication,
      { ...detection, openaiTask: 'generate' },
      endpoints,
      options,
    );
    expect(chat).toContain('/chat/completions');
    expect(chat).not.toContain('/embeddings');
    expect(chat).not.toMatch(/embedding/i);
    const embed = buildGuide(
      publication,
      { ...detection, openaiTask: 'embed' },
      endpoints,
      options,
    );
    expect(embed).toContain('/embeddings');
    expect(embed).not.toContain('/chat/completions');
    // Unknown task: both, and the guide says which models answer what.
    const unsure = buildGuide(publication, detection, endpoints, options);
    expect(unsure).toContain('/chat/completions');
    expect(unsure).toContain('/embeddings');
  });

  it("a chat model's OpenAPI document has no /embeddings path, an embedding model's no chat", () => {
    const [publication, detection, endpoints, options] = guideInputs(vllmInput);
    const chat = buildOpenApiDocument(
      publication,
      { ...detection, openaiTask: 'generate' },
      endpoints,
      options,
    );
    expect(Object.keys(chat.paths).sort()).toEqual([
      '/chat/completions',
      '/completions',
    ]);
    const embed = buildOpenApiDocument(
      publication,
      { ...detection, openaiTask: 'embed' },
      endpoints,
      options,
    );
    expect(Object.keys(embed.paths)).toEqual(['/embeddings']);
  });

  it("shows the owner's example, never another model's data (issue 23 item 8)", () => {
    // No example given: a v1 guide shows only the protocol's shape and says where examples come from.
    const [v1Pub, v1Det, v1Endpoints, v1Options] = guideInputs(v1Input);
    const none = buildGuide(v1Pub, v1Det, v1Endpoints, v1Options);
    expect(none).not.toMatch(/6\.8|sepal|iris data/i);
    expect(none).toContain("The model's owner has not given an example input");
    expect(none).toContain('model-publishing/example-request');

    // A fraud model's transactions, as its owner gave them.
    const transactions = {
      instances: [
        [0.2, 13.5, 1, 0, 42.0],
        [0.9, 2310.0, 0, 1, 3.0],
      ],
    };
    const fraud = buildGuide(v1Pub, v1Det, v1Endpoints, {
      ...v1Options,
      example: transactions,
    });
    expect(fraud).toContain('2310');
    expect(fraud).not.toContain('has not given an example');
    const body = fences(fraud, 'json').map(j => JSON.parse(j));
    expect(body).toContainEqual(transactions);
    // One illustrative prediction per instance.
    expect(body).toContainEqual({ predictions: [0, 0] });

    // v2: the owner's tensors; the guide points at the metadata endpoint for the inputs.
    const [v2Pub, v2Det, v2Endpoints, v2Options] = guideInputs(v2Input);
    const tensors = {
      inputs: [
        { name: 'amount', shape: [3, 1], datatype: 'FP32', data: [1, 2, 3] },
      ],
    };
    const v2 = buildGuide(v2Pub, v2Det, v2Endpoints, {
      ...v2Options,
      example: tensors,
    });
    expect(fences(v2, 'json').map(j => JSON.parse(j))).toContainEqual(tensors);
    expect(v2).toContain(`GET /v2/models/${v2Pub.name}`);
    const doc = buildOpenApiDocument(v2Pub, v2Det, v2Endpoints, {
      ...v2Options,
      example: tensors,
    });
    expect(JSON.stringify(doc)).toContain('"amount"');

    // An LLM's chat example keeps the name clients address the model by.
    const [llmPub, llmDet, llmEndpoints] = guideInputs(vllmInput);
    const chat = buildGuide(
      llmPub,
      { ...llmDet, openaiTask: 'generate' },
      llmEndpoints,
      {
        modelName: 'served',
        example: {
          model: 'whatever',
          messages: [{ role: 'user', content: 'Summarise this claim.' }],
        },
      },
    );
    expect(chat).toContain('Summarise this claim.');
    expect(chat).not.toContain('whatever');
  });

  it("tells a consumer where to request a key (the model's Access tab) and lists the plans; never 'ask the owner'", () => {
    const [publication, detection, endpoints, options] = guideInputs(v2Input);
    const md = buildGuide(
      {
        ...publication,
        entityRef: 'component:default/fraud-sklearn',
        config: {
          ...publication.config,
          plans: [
            {
              name: 'trial',
              approval: 'automatic',
              rateLimits: { requestsPerDay: 100, requestsPerMonth: 1000 },
            },
          ],
        },
      },
      detection,
      endpoints,
      options,
    );
    expect(md).toContain(
      '[request access](/catalog/default/component/fraud-sklearn/access)',
    );
    expect(md).toContain(
      '| trial | 100 requests per day, 1000 requests per month | automatic |',
    );
    expect(md).not.toMatch(/ask the (model )?owner/i);
  });

  it.each([
    [
      'v1',
      v1Input,
      undefined,
      'https://models.example.com/models/models/sklearn-iris/v1/models/sklearn-iris:predict',
      /"instances"/,
    ],
    [
      'v2',
      v2Input,
      undefined,
      'https://models.example.com/models/models/xgboost-iris/v2/models/xgboost-iris/infer',
      /"datatype": "FP32"/,
    ],
    [
      'openai',
      vllmInput,
      'qwen2.5-0.5b',
      'https://vllm-qwen-models.llm.example.com/v1/chat/completions',
      /"model": "qwen2.5-0.5b"/,
    ],
  ] as const)(
    '%s: endpoint, auth, limits, 429, errors and examples in curl, Python and JavaScript',
    (kind, make, model, url, bodyShape) => {
      const md = buildGuide(...guideInputs(make, model));
      expect(md).toContain(`\`POST ${url}\``);
      expect(md).toMatch(bodyShape);
      // Authentication: both headers, documented and used.
      expect(md).toContain('`Authorization: Bearer <key>`');
      expect(md).toContain('`x-api-key: <key>`');
      expect(md).toContain('-H "x-api-key: $MODEL_API_KEY"');
      expect(md).toContain('-H "Authorization: Bearer $MODEL_API_KEY"');
      // Limits from the config, per key.
      expect(md).toMatch(/\| Requests per minute \| 60 \|/);
      // 429 handling.
      expect(md).toContain('Retry-After');
      expect(md).toMatch(/back off exponentially with jitter/);
      // Errors.
      for (const status of ['401', '403', '404', '413', '429', '500', '503'])
        expect(md).toContain(`\`${status}\``);
      // Code in every language, all reading the key from the environment.
      expect(
        fences(md, 'bash').every(
          c => c.startsWith('curl ') && c.includes('$MODEL_API_KEY'),
        ),
      ).toBe(true);
      expect(fences(md, 'python').length).toBeGreaterThanOrEqual(2);
      expect(fences(md, 'javascript').length).toBeGreaterThanOrEqual(2);
      expect(md).not.toMatch(/mpk_/);
      const sdk =
        md.includes('from openai import OpenAI') &&
        md.includes("import OpenAI from 'openai'");
      expect(sdk).toBe(kind === 'openai');
    },
  );

  it('openai: chat, completions, embeddings and streaming, with the token-limit explanation', () => {
    const md = buildGuide(...guideInputs(vllmInput, 'qwen2.5-0.5b'));
    for (const heading of [
      '### Chat completions',
      '### Streaming chat completions',
      '### Completions',
      '### Embeddings',
    ]) {
      expect(md).toContain(heading);
    }
    expect(md).toContain(
      'https://vllm-qwen-models.llm.example.com/v1/embeddings',
    );
    expect(md).toContain('"stream": true');
    expect(md).toContain('client.chat.completions.create');
    expect(md).toContain('client.embeddings.create');
    expect(md).toMatch(/\| Tokens per hour \| 100,000 \|/);
    expect(md).toMatch(/Tokens are the `usage.total_tokens`/);
    expect(md).toContain(
      '`model` in the body is not `qwen2.5-0.5b` or one of its names',
    );
  });

  it('openai: documents the model names that route and the x-ai-eg-model header (envoyproxy/ai-gateway#1944, #1485)', () => {
    const [publication, detection, endpoints] = guideInputs(vllmInput);
    const input = vllmInput();
    const md = buildGuide(publication, detection, endpoints, {
      modelName: servedModelName(input.isvc),
      modelAliases: modelAliases(input.isvc),
    });
    const section = md.slice(
      md.indexOf('## Model names'),
      md.indexOf('## Limits'),
    );
    expect(modelAliases(input.isvc).length).toBeGreaterThan(1);
    for (const alias of modelAliases(input.isvc))
      expect(section).toContain(`\`${alias}\``);
    expect(section).toContain('x-ai-eg-model');
    expect(section).toContain('No matching route found');
    expect(section).toContain(
      `-H "x-ai-eg-model: ${servedModelName(input.isvc)}"`,
    );
    // Traditional models are routed by path: no such section.
    expect(buildGuide(...guideInputs(v1Input))).not.toContain('## Model names');
  });

  it('says so when there are no limits, and shows the description', () => {
    const [pub, det, eps] = guideInputs(v1Input);
    const md = buildGuide(
      {
        ...pub,
        config: {
          rateLimits: {},
          description: 'Iris classifier for the demo.',
        },
      },
      det,
      eps,
    );
    expect(md).toContain('This publication sets no request or token limits');
    expect(md).not.toContain('| Limit | Per key |');
    expect(md).toMatch(
      /^# sklearn-iris — API guide\n\nIris classifier for the demo.\n\n/,
    );
  });

  it('refuses kinds without a protocol to document, and a missing base URL', () => {
    const [pub, , eps] = guideInputs(v1Input);
    expect(() => buildGuide(pub, { kind: 'grpc' }, eps)).toThrow(InputError);
    expect(() => buildGuide(pub, { kind: 'v1' }, [])).toThrow(/endpoints/);
  });
});

describe('buildOpenApiDocument', () => {
  it.each([
    [
      'v1',
      v1Input,
      ['/v1/models/sklearn-iris:predict', '/v1/models/sklearn-iris'],
      'https://models.example.com/models/models/sklearn-iris',
    ],
    [
      'v2',
      v2Input,
      [
        '/v2/models/xgboost-iris/infer',
        '/v2/models/xgboost-iris/ready',
        '/v2/models/xgboost-iris',
      ],
      'https://models.example.com/models/models/xgboost-iris',
    ],
    [
      'openai',
      vllmInput,
      ['/chat/completions', '/completions', '/embeddings'],
      'https://vllm-qwen-models.llm.example.com/v1',
    ],
  ] as const)(
    '%s: a valid OpenAPI 3 document of the public endpoint',
    async (_k, make, paths, server) => {
      const doc = buildOpenApiDocument(...guideInputs(make));
      expect(Object.keys(doc.paths)).toEqual(paths);
      expect(doc.servers).toEqual([
        { url: server, description: expect.any(String) },
      ]);
      expect(doc.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
      expect(doc.components.securitySchemes).toEqual({
        bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
        apiKeyHeader: expect.objectContaining({
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
        }),
      });
      const post = doc.paths[paths[0]].post!;
      expect(post.responses['429'].headers?.['Retry-After']).toBeDefined();
      expect(Object.keys(post.responses)).toEqual(
        expect.arrayContaining([
          '200',
          '401',
          '403',
          '404',
          '413',
          '429',
          '500',
          '503',
        ]),
      );
      // swagger-parser validates against the OpenAPI 3.0 schema and resolves every $ref.
      await expect(
        SwaggerParser.validate(structuredClone(doc) as any),
      ).resolves.toBeDefined();
    },
  );

  it('the validator catches a broken document (so the check above can fail)', async () => {
    const doc = buildOpenApiDocument(...guideInputs(v2Input));
    delete doc.components.schemas.V2Tensor;
    await expect(SwaggerParser.validate(doc as any)).rejects.toThrow(
      /V2Tensor/,
    );
  });
});
