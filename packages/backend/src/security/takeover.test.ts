import {
  headers,
  startSecurityBackend,
  type SecurityBackend,
} from '../__testUtils__/securityBackend';

/**
 * Issue 14, finding 1: an entity anyone registers from a catalog-info.yaml of their own, carrying the
 * annotation of another team's model (and even the managed-by annotations our entity provider uses),
 * is not that model. Every route refuses it and the real owner keeps full control.
 */
jest.setTimeout(180_000);

const API = '/api/model-publishing';
const OWNER = headers.user('user:default/grace'); // genai: owns genai/qwen-chat
const ATTACKER = headers.user('user:default/frank'); // fraud-detection
const REAL = `${API}/models/local/genai/qwen-chat`;
const REAL_BY_ENTITY = `${API}/entities/component/default/qwen-chat`;
const IMPOSTOR = `${API}/entities/resource/default/qwen-impostor`;

const IMPOSTOR_YAML = `
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: qwen-impostor
  annotations:
    model-publishing/inference-service: genai/qwen-chat
    model-publishing/cluster: local
    backstage.io/managed-by-location: model-publishing:local
    backstage.io/managed-by-origin-location: model-publishing:local
spec:
  type: model
  owner: group:default/fraud-detection
`;

describe('takeover through a catalog entity (finding 1)', () => {
  let b: SecurityBackend;
  let ownerKeyId: string;

  let impostor: { metadata: { annotations: Record<string, string> } };
  let registered: { status: number };
  let published: { status: number; body: unknown };

  beforeAll(async () => {
    b = await startSecurityBackend();
    b.files.set('/catalog-info.yaml', IMPOSTOR_YAML);
    // The provider's Component for genai/qwen-chat, then the attacker's entity from their own location.
    await b.waitFor(async () => {
      const res = await b.request
        .get('/api/catalog/entities/by-name/component/default/qwen-chat')
        .set(OWNER);
      if (res.status !== 200)
        throw new Error(
          `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
        );
      return true;
    });
    registered = await b.request
      .post('/api/catalog/locations')
      .set(headers.user('user:default/alice'))
      .send({ type: 'url', target: `${b.fileBase}/catalog-info.yaml` });
    impostor = await b.waitFor(async () => {
      const res = await b.request
        .get('/api/catalog/entities/by-name/resource/default/qwen-impostor')
        .set(OWNER);
      if (res.status !== 200)
        throw new Error(
          `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
        );
      return res.body;
    });
    published = await b.request
      .post(`${REAL}/publication`)
      .set(OWNER)
      .send({
        rateLimits: { requestsPerMinute: 60 },
        firstKey: { name: 'owner-key' },
      });
    const keys = await b.request.get(`${REAL}/publication/keys`).set(OWNER);
    ownerKeyId = keys.body.items?.[0]?.id;
  });
  afterAll(async () => {
    await b?.stop();
  });

  it('the impostor is in the catalog, with the location the catalog stamped over the one it claimed', () => {
    expect(registered.status).toBe(201);
    expect(
      impostor.metadata.annotations['backstage.io/managed-by-location'],
    ).toBe(`url:${b.fileBase}/catalog-info.yaml`);
    expect(
      impostor.metadata.annotations['model-publishing/inference-service'],
    ).toBe('genai/qwen-chat');
    expect([published.status, ownerKeyId]).toEqual([201, expect.any(String)]);
  });

  const attempts: {
    what: string;
    method: 'get' | 'post' | 'put' | 'delete';
    suffix: string;
    body?: object;
  }[] = [
    { what: 'read the model', method: 'get', suffix: '' },
    {
      what: 'dry-run',
      method: 'post',
      suffix: '/publication/dry-run',
      body: { rateLimits: { requestsPerMinute: 1 } },
    },
    {
      what: 'publish',
      method: 'post',
      suffix: '/publication',
      body: { rateLimits: { requestsPerMinute: 1 } },
    },
    {
      what: 'update',
      method: 'put',
      suffix: '/publication',
      body: { rateLimits: { requestsPerMinute: 100000 } },
    },
    { what: 'list keys', method: 'get', suffix: '/publication/keys' },
    {
      what: 'mint a key',
      method: 'post',
      suffix: '/publication/keys',
      body: { name: 'stolen' },
    },
    {
      what: 'rotate the owner key',
      method: 'post',
      suffix: '/publication/keys/KEY/rotate',
      body: { gracePeriodHours: 0 },
    },
    {
      what: 'revoke the owner key',
      method: 'delete',
      suffix: '/publication/keys/KEY',
    },
    { what: 'read usage', method: 'get', suffix: '/publication/usage' },
    { what: 'export usage', method: 'get', suffix: '/publication/usage.csv' },
    { what: 'read the guide', method: 'get', suffix: '/publication/guide' },
    { what: 'read the audit', method: 'get', suffix: '/audit' },
    { what: 'unpublish', method: 'delete', suffix: '/publication' },
  ];

  it.each(attempts)(
    'through the impostor entity, $what is refused (404: not a model), for its owner and for admins',
    async ({ method, suffix, body }) => {
      for (const who of [ATTACKER, headers.user('user:default/alice')]) {
        const url = `${IMPOSTOR}${suffix.replace('KEY', ownerKeyId)}`;
        const req = b.request[method](url).set(who);
        const res = await (body ? req.send(body) : req);
        expect(res.status).toBe(404);
        expect(res.body.error.message).toContain('not a model');
      }
    },
  );

  it('the attacker gets 403 on the real model under both addresses, and the owner is unaffected', async () => {
    for (const base of [REAL, REAL_BY_ENTITY]) {
      const keys = await b.request
        .get(`${base}/publication/keys`)
        .set(ATTACKER);
      expect(keys.status).toBe(403);
      const minted = await b.request
        .post(`${base}/publication/keys`)
        .set(ATTACKER)
        .send({ name: 'stolen' });
      expect(minted.status).toBe(403);
      const gone = await b.request.delete(`${base}/publication`).set(ATTACKER);
      expect(gone.status).toBe(403);
    }
    for (const base of [REAL, REAL_BY_ENTITY]) {
      const model = await b.request.get(base).set(OWNER);
      expect(model.status).toBe(200);
      expect(model.body.publication).toMatchObject({
        entityRef: 'component:default/qwen-chat',
        status: 'published',
      });
      const keys = await b.request.get(`${base}/publication/keys`).set(OWNER);
      expect(keys.status).toBe(200);
      expect(
        keys.body.items.map((k: { id: string; revokedAt?: string }) => [
          k.id,
          k.revokedAt ?? null,
        ]),
      ).toEqual([[ownerKeyId, null]]);
    }
    const secret = await (
      await fetch(
        `${b.emulator.url}/api/v1/namespaces/genai/secrets/qwen-chat-mp-keys`,
      )
    ).json();
    expect(Object.keys(secret.data ?? {})).toEqual([`key-${ownerKeyId}`]);
  });
});
