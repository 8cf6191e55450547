/*
 * Deprecation that knows its consumers (issue 21 item 2), as one chain through the local gateway: the whole
 * portal backend (catalog from the demo cluster, the portal's permission policy, notifications) on the Kubernetes
 * emulator, with packages/gateway-emulator serving what the cluster's objects say.
 *
 * Frank deprecates fraud-sklearn (HTTPRoute; at the sunset only new keys stop) with risk-xgboost as its successor;
 * Grace deprecates qwen-chat (AIGatewayRoute; unpublished at the sunset) with llama-vllm as its successor. Paul, a
 * consumer of both, gets a notice for each at once; his calls through the gateway carry Deprecation, Sunset and Link
 * (the LLM's through the EnvoyExtensionPolicy Lua filter on the HTTPRoute AI Gateway generates); the page lists him
 * with his last use; a new access request is refused with the successor named. Then a fake clock: 7 days before the
 * sunset one reminder each (a second run sends none); at the sunset qwen-chat is unpublished (the gateway answers
 * 404) and fraud-sklearn keeps serving Paul but issues no new key.
 */
import {
  AccessLogShipper,
  demoModelServers,
  startGateway,
  type RunningGateway,
} from '@model-publishing/gateway-emulator';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import { KubeConfig } from '@kubernetes/client-node';
import {
  headers,
  INGEST_SUBJECT,
  startSecurityBackend,
  type SecurityBackend,
} from '../__testUtils__/securityBackend';

jest.setTimeout(240_000);

const API = '/api/model-publishing';
const FRAUD = `${API}/models/local/fraud-detection/fraud-sklearn`;
const RISK = `${API}/models/local/fraud-detection/risk-xgboost`;
const QWEN = `${API}/models/local/genai/qwen-chat`;
const LLAMA = `${API}/models/local/genai/llama-vllm`;
const FRANK = headers.user('user:default/frank');
const GRACE = headers.user('user:default/grace');
const PAUL = headers.user('user:default/paul');
const ALICE = headers.user('user:default/alice');
const DAY = 24 * 3600 * 1000;
const TASK = 'model-publishing-deprecation';

describe('deprecation through the local gateway', () => {
  let b: SecurityBackend;
  let gateway: RunningGateway;
  let shipper: AccessLogShipper;
  const shipErrors: Error[] = [];
  const keys: Record<string, string> = {};
  let sunsetAt: Date;

  const expectStatus = (r: { status: number; body: any }, status: number) =>
    expect([r.status, r.body?.error?.message]).toEqual([status, undefined]);

  /** Paul asks for the default plan (manual), the owner approves, Paul collects his key once. */
  async function consumerKey(model: string, owner: typeof FRANK) {
    const asked = await b.request
      .post(`${model}/publication/access-requests`)
      .set(PAUL)
      .send({
        plan: 'default',
        purpose: 'Checkout risk scoring for the payments team',
        consumer: 'user:default/paul',
      });
    expectStatus(asked, 201);
    const id = asked.body.request.id;
    expectStatus(
      await b.request
        .post(`${API}/access/requests/${id}/decision`)
        .set(owner)
        .send({ decision: 'approve' }),
      200,
    );
    const issued = await b.request
      .post(`${API}/access/requests/${id}/key`)
      .set(PAUL)
      .send({});
    expectStatus(issued, 201);
    return issued.body.issued.secret as string;
  }

  const predict = (key: string) =>
    fetch(
      `${gateway.url}/models/fraud-detection/fraud-sklearn/v1/models/fraud-sklearn:predict`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ instances: [[0.2, 13.5, 1, 0, 42]] }),
      },
    );
  const chat = (key: string) =>
    fetch(
      `${gateway.url}/_host/qwen-chat.genai.llm.acme.example/v1/chat/completions`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          model: 'qwen-chat',
          messages: [{ role: 'user', content: 'Hello' }],
          max_tokens: 8,
        }),
      },
    );
  const notices = async (who: typeof PAUL) =>
    (
      (
        await b.request
          .get('/api/notifications/notifications?limit=50')
          .set(who)
      ).body.notifications ?? []
    ).map((n: any) => n.payload.title as string);

  beforeAll(async () => {
    b = await startSecurityBackend({ features: [notificationsPlugin] });
    const kc = new KubeConfig();
    kc.loadFromString(b.emulator.kubeconfigYaml);
    // The access logs reach the product through its ingest, as a log shipper next to Envoy sends them.
    shipper = new AccessLogShipper({
      onError: e => shipErrors.push(e),
      url: async () => `${API}/usage/ingest`,
      headers: async () => headers.service(INGEST_SUBJECT),
      fetchImpl: (async (url: string, init: any) => {
        const r = await b.request.post(url).set(init.headers).send(init.body);
        return {
          ok: r.status < 300,
          status: r.status,
          text: async () => r.text,
        };
      }) as any,
    });
    gateway = await startGateway({
      kubeConfig: kc,
      stubs: demoModelServers({ latencyScale: 0 }),
      accessLog: [shipper.sink],
    });
    const publish = async (
      model: string,
      owner: typeof FRANK,
      rateLimits: object,
    ) =>
      expectStatus(
        await b.request
          .post(`${model}/publication`)
          .set(owner)
          .send({ rateLimits }),
        201,
      );
    // The catalog has the models' entities once its provider has read the cluster.
    const names = ['fraud-sklearn', 'risk-xgboost', 'qwen-chat', 'llama-vllm'];
    const backend = b;
    await Promise.all(
      names.map(name =>
        backend.waitFor(async () =>
          (
            await backend.request
              .get(`/api/catalog/entities/by-name/component/default/${name}`)
              .set(FRANK)
          ).status === 200
            ? true
            : undefined,
        ),
      ),
    );
    await publish(FRAUD, FRANK, { requestsPerMinute: 600 });
    await publish(RISK, FRANK, { requestsPerMinute: 600 });
    await publish(QWEN, GRACE, {
      requestsPerMinute: 600,
      tokensPerMinute: 100_000,
    });
    await publish(LLAMA, GRACE, { requestsPerMinute: 600 });
    keys.fraud = await consumerKey(FRAUD, FRANK);
    keys.qwen = await consumerKey(QWEN, GRACE);
  });
  afterAll(async () => {
    jest.useRealTimers();
    await gateway?.close();
    await b?.stop();
  });

  it('before: Paul calls both through the gateway, without deprecation headers', async () => {
    const p = await b.waitFor(async () => {
      const r = await predict(keys.fraud);
      return r.status === 200 ? r : undefined;
    });
    expect(p.headers.get('deprecation')).toBeNull();
    const c = await b.waitFor(async () => {
      const r = await chat(keys.qwen);
      return r.status === 200 ? r : undefined;
    });
    expect(c.headers.get('deprecation')).toBeNull();
    await shipper.flush();
    expect(shipErrors).toEqual([]);
  });

  it('deprecating: the headers on every response (HTTPRoute and AIGatewayRoute), one notice each to Paul, the page lists him with his last use', async () => {
    sunsetAt = new Date(Date.now() + 30 * DAY);
    sunsetAt.setUTCMilliseconds(0);
    const fraud = await b.request
      .put(`${FRAUD}/publication/deprecation`)
      .set(FRANK)
      .send({
        sunsetAt: sunsetAt.toISOString(),
        successor: 'component:default/risk-xgboost',
        atSunset: 'stop-new-keys',
      });
    expectStatus(fraud, 200);
    const qwen = await b.request
      .put(`${QWEN}/publication/deprecation`)
      .set(GRACE)
      .send({
        sunsetAt: sunsetAt.toISOString(),
        successor: 'component:default/llama-vllm',
        atSunset: 'unpublish',
      });
    expectStatus(qwen, 200);
    expect(qwen.body.successorUrl).toBe(
      'https://llama-vllm.genai.llm.acme.example/v1',
    );

    const sunset = sunsetAt.toUTCString();
    const p = await b.waitFor(async () => {
      const r = await predict(keys.fraud);
      return r.headers.get('sunset') ? r : undefined;
    });
    expect(p.status).toBe(200);
    expect(p.headers.get('deprecation')).toMatch(/^@\d+$/);
    expect(p.headers.get('sunset')).toBe(sunset);
    expect(p.headers.get('link')).toBe(
      `<${fraud.body.successorUrl}>; rel="successor-version"`,
    );
    const c = await b.waitFor(async () => {
      const r = await chat(keys.qwen);
      return r.headers.get('sunset') ? r : undefined;
    });
    expect(c.status).toBe(200);
    expect((await c.json()).choices[0].message.content).toBeTruthy();
    expect(c.headers.get('deprecation')).toBe(qwen.body.headers[0].value);
    expect(c.headers.get('sunset')).toBe(sunset);
    expect(c.headers.get('link')).toBe(
      '<https://llama-vllm.genai.llm.acme.example/v1>; rel="successor-version"',
    );

    const titles = await notices(PAUL);
    expect(
      titles.filter((t: string) => /fraud-sklearn is deprecated/.test(t)),
    ).toHaveLength(1);
    expect(
      titles.filter((t: string) => /qwen-chat is deprecated/.test(t)),
    ).toHaveLength(1);

    await shipper.flush();
    expect(shipErrors).toEqual([]);
    const page = await b.waitFor(async () => {
      const r = await b.request
        .get(`${QWEN}/publication/deprecation`)
        .set(GRACE);
      return r.body.consumers?.[0]?.lastUsedAt ? r.body : undefined;
    });
    expect(page.consumers).toEqual([
      {
        consumerRef: 'user:default/paul',
        keyIds: [expect.any(String)],
        lastUsedAt: expect.any(String),
      },
    ]);
    expect(Date.parse(page.consumers[0].lastUsedAt)).toBeGreaterThan(
      Date.now() - 10 * 60_000,
    );
  });

  it('a new access request is refused with the successor named', async () => {
    const asked = await b.request
      .post(`${QWEN}/publication/access-requests`)
      .set(ALICE)
      .send({
        plan: 'default',
        purpose: 'Summaries for the admin console',
        consumer: 'user:default/alice',
      });
    expect(asked.status).toBe(409);
    expect(asked.body.error.message).toMatch(
      /deprecated .* request access to component:default\/llama-vllm \(https:\/\/llama-vllm\.genai\.llm\.acme\.example\/v1\) instead/,
    );
  });

  it('a fake clock: one reminder 7 days before; at the sunset qwen-chat is unpublished, fraud-sklearn stops issuing keys', async () => {
    const fake = (at: number) =>
      jest.useFakeTimers({
        doNotFake: [
          'hrtime',
          'nextTick',
          'performance',
          'queueMicrotask',
          'setImmediate',
          'clearImmediate',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
        ],
        now: at,
      });
    fake(sunsetAt.getTime() - 6 * DAY);
    await b.runTask(TASK);
    await b.runTask(TASK);
    const titles = await notices(PAUL);
    expect(
      titles.filter((t: string) => /fraud-sklearn sunsets in 7 days/.test(t)),
    ).toHaveLength(1);
    expect(
      titles.filter((t: string) => /qwen-chat sunsets in 7 days/.test(t)),
    ).toHaveLength(1);
    expect((await chat(keys.qwen)).status).toBe(200);

    fake(sunsetAt.getTime() + 60_000);
    await b.runTask(TASK);
    // No live publication any more: the model reads as not published.
    expect((await b.request.get(`${QWEN}/publication`).set(GRACE)).status).toBe(
      404,
    );
    // The gateway drops the route as soon as its watch sees it deleted.
    await b.waitFor(
      async () => ((await chat(keys.qwen)).status === 404 ? true : undefined),
      30_000,
    );

    expect((await predict(keys.fraud)).status).toBe(200);
    const key = await b.request
      .post(`${FRAUD}/publication/keys`)
      .set(FRANK)
      .send({ name: 'after-sunset' });
    expect(key.status).toBe(409);
    expect(key.body.error.message).toMatch(/reached its sunset/);
    jest.useRealTimers();
  });
});
