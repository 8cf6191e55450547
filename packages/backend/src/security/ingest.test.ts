import {
  headers,
  INGEST_SUBJECT,
  OTHER_SERVICE_SUBJECT,
  startSecurityBackend,
  type SecurityBackend,
} from '../__testUtils__/securityBackend';

/**
 * Issue 14, finding 8: usage cannot be forged. Only the configured subject may ingest; every counter is
 * bounded (400 naming the record and field); a record naming a key that is not the route's publication's
 * is counted for nothing and moves no key's last use. Through the real HTTP stack.
 */
jest.setTimeout(180_000);

const API = '/api/model-publishing';
const MODEL = `${API}/models/local/genai/qwen-chat`;
const OWNER = headers.user('user:default/grace');
const ROUTE =
  'httproute/genai/qwen-chat-mp/rule/0/match/0/qwen-chat_genai_llm_acme_example';

describe('usage ingest cannot be forged (finding 8)', () => {
  let b: SecurityBackend;
  let clientId: string;
  const record = (id: string, fields: Record<string, unknown> = {}) => ({
    start_time: new Date(Date.now() - 60_000).toISOString(),
    response_code: 200,
    route_name: ROUTE,
    client_id: clientId,
    request_id: id,
    input_tokens: 10,
    output_tokens: 5,
    ...fields,
  });
  const ingest = (records: object[], who = headers.service(INGEST_SUBJECT)) =>
    b.request.post(`${API}/usage/ingest`).set(who).send({ records });
  const usage = async () => {
    const res = await b.request
      .get(`${MODEL}/publication/usage?granularity=hour`)
      .set(OWNER);
    expect(res.status).toBe(200);
    return res.body as {
      totals: { requests: number; inputTokens: number };
      keys: { clientId: string; lastUsedAt?: string }[];
    };
  };

  beforeAll(async () => {
    b = await startSecurityBackend();
    await b.waitFor(async () => {
      const res = await b.request.get(MODEL).set(OWNER);
      return res.status === 200 ? true : undefined;
    });
    const published = await b.request
      .post(`${MODEL}/publication`)
      .set(OWNER)
      .send({
        rateLimits: { requestsPerMinute: 60 },
        firstKey: { name: 'app' },
      });
    if (published.status !== 201)
      throw new Error(
        `publish: ${published.status} ${JSON.stringify(published.body)}`,
      );
    const keys = await b.request.get(`${MODEL}/publication/keys`).set(OWNER);
    clientId = keys.body.items[0].clientId ?? `key-${keys.body.items[0].id}`;
  });
  afterAll(async () => {
    await b?.stop();
  });

  it('refuses users and services not in usage.ingest.allowedSubjects', async () => {
    expect((await ingest([record('a')], OWNER)).status).toBe(403);
    const other = await ingest(
      [record('a')],
      headers.service(OTHER_SERVICE_SUBJECT),
    );
    expect([other.status, other.body.error.message]).toEqual([
      403,
      expect.stringContaining('allowedSubjects'),
    ]);
  });

  it.each([
    ['input_tokens', 9e15],
    ['output_tokens', '9000000000000000'],
    ['duration', 1e12],
  ])(
    'refuses a batch with %s = %s, naming the record and field, and stores nothing of it',
    async (field, value) => {
      const res = await ingest([
        record(`ok-${field}`),
        record(`big-${field}`, { [field]: value }),
      ]);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        new RegExp(
          `^records\\[1\\]\\.${field}: ${field} must be at most \\d+ for one request$`,
        ),
      );
      expect((await usage()).totals.requests).toBe(0);
    },
  );

  it('counts nothing for a key that does not exist, and moves no last use', async () => {
    const res = await ingest([
      record('forged', {
        client_id: 'key-00000000-0000-4000-8000-000000000000',
      }),
    ]);
    expect([res.status, res.body]).toEqual([
      200,
      expect.objectContaining({ received: 1, accepted: 0, unmatched: 1 }),
    ]);
    const report = await usage();
    expect(report.totals.requests).toBe(0);
    expect(report.keys.filter(k => k.lastUsedAt)).toEqual([]);
  });

  it("counts a genuine record of the publication's own key", async () => {
    const res = await ingest([record('genuine')]);
    expect([res.status, res.body]).toEqual([
      200,
      expect.objectContaining({ accepted: 1, unmatched: 0 }),
    ]);
    const report = await usage();
    expect(report.totals).toMatchObject({ requests: 1, inputTokens: 10 });
    expect(report.keys.find(k => k.clientId === clientId)?.lastUsedAt).toEqual(
      expect.any(String),
    );
  });
});
