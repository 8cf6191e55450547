import {
  headers,
  startSecurityBackend,
  type SecurityBackend,
} from '../__testUtils__/securityBackend';

/**
 * Issue 14, finding 4: no hostname squatting. A hostname is the one the template gives the model or on the
 * owner's tenant's list; no wildcards, no foreign domains (400 naming `hostname`); one held by another live
 * publication is refused (409). Through the real HTTP stack.
 */
jest.setTimeout(180_000);

const API = '/api/model-publishing';
const GRACE = headers.user('user:default/grace'); // genai
const FRANK = headers.user('user:default/frank'); // fraud-detection
const rateLimits = { requestsPerMinute: 60 };

describe('hostname squatting (finding 4)', () => {
  let b: SecurityBackend;

  beforeAll(async () => {
    b = await startSecurityBackend({
      config: {
        tenants: [
          { group: 'group:default/genai', hostnames: ['.genai.acme.example'] },
        ],
      },
    });
    await b.waitFor(async () => {
      const res = await b.request
        .get(`${API}/models/local/fraud-detection/fraud-sklearn`)
        .set(FRANK);
      const res2 = await b.request
        .get(`${API}/models/local/genai/llama-vllm`)
        .set(GRACE);
      return res.status === 200 && res2.status === 200 ? true : undefined;
    });
  });
  afterAll(async () => {
    await b?.stop();
  });

  it.each([
    ["another team's LLM hostname", 'qwen-chat.genai.llm.acme.example'],
    ['a wildcard', '*.acme.example'],
    ['a foreign domain', 'login.bank.example'],
    ["a name on another tenant's list", 'chat.genai.acme.example'],
  ])(
    'refuses %s with 400 naming hostname, publishing nothing',
    async (_, hostname) => {
      for (const suffix of ['/publication/dry-run', '/publication']) {
        const res = await b.request
          .post(`${API}/models/local/fraud-detection/fraud-sklearn${suffix}`)
          .set(FRANK)
          .send({ rateLimits, hostname });
        expect([res.status, res.body.error?.message]).toEqual([
          400,
          expect.stringMatching(/^hostname: /),
        ]);
      }
      const model = await b.request
        .get(`${API}/models/local/fraud-detection/fraud-sklearn`)
        .set(FRANK);
      expect(model.body.publication).toBeUndefined();
    },
  );

  it("allows a name on the owner's tenant list once; a second model gets 409 naming hostname", async () => {
    const first = await b.request
      .post(`${API}/models/local/genai/qwen-chat/publication`)
      .set(GRACE)
      .send({ rateLimits, hostname: 'chat.genai.acme.example' });
    expect(first.status).toBe(201);
    const second = await b.request
      .post(`${API}/models/local/genai/llama-vllm/publication`)
      .set(GRACE)
      .send({ rateLimits, hostname: 'chat.genai.acme.example' });
    expect([second.status, second.body.error?.message]).toEqual([
      409,
      "hostname: 'chat.genai.acme.example' is already used by the publication of genai/qwen-chat in cluster 'local'",
    ]);
    const own = await b.request
      .put(`${API}/models/local/genai/qwen-chat/publication`)
      .set(GRACE)
      .send({ rateLimits, hostname: 'chat.genai.acme.example' });
    expect(own.status).toBe(200);
  });

  it('lets exactly one of two concurrent updates, and of two concurrent publishes, claim one hostname (409 naming hostname for the other)', async () => {
    const at = (name: string) =>
      `${API}/models/local/genai/${name}/publication`;
    const llama = await b.request
      .post(at('llama-vllm'))
      .set(GRACE)
      .send({ rateLimits, hostname: 'llama.genai.acme.example' });
    expect(llama.status).toBe(201);
    const conflict = expect.stringMatching(
      /^hostname: 'shared\.genai\.acme\.example' is already used by the publication of genai\/(qwen-chat|llama-vllm) in cluster 'local'$/,
    );

    const updates = await Promise.all(
      ['qwen-chat', 'llama-vllm'].map(name =>
        b.request
          .put(at(name))
          .set(GRACE)
          .send({ rateLimits, hostname: 'shared.genai.acme.example' }),
      ),
    );
    expect(updates.map(r => r.status).sort()).toEqual([200, 409]);
    expect(updates.find(r => r.status === 409)!.body.error.message).toEqual(
      conflict,
    );
    const hostnames = async () =>
      Promise.all(
        ['qwen-chat', 'llama-vllm'].map(
          async name =>
            (
              await b.request
                .get(`${API}/models/local/genai/${name}`)
                .set(GRACE)
            ).body.publication?.config?.hostname,
        ),
      );
    expect(
      (await hostnames()).filter(h => h === 'shared.genai.acme.example'),
    ).toHaveLength(1);

    for (const name of ['qwen-chat', 'llama-vllm']) {
      const del = await b.request.delete(at(name)).set(GRACE);
      expect(del.status).toBe(200);
    }
    const publishes = await Promise.all(
      ['qwen-chat', 'llama-vllm'].map(name =>
        b.request
          .post(at(name))
          .set(GRACE)
          .send({ rateLimits, hostname: 'shared.genai.acme.example' }),
      ),
    );
    expect(publishes.map(r => r.status).sort()).toEqual([201, 409]);
    expect(publishes.find(r => r.status === 409)!.body.error.message).toEqual(
      conflict,
    );
  });
});
