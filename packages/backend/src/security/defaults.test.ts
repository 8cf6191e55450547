import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  headers,
  startSecurityBackend,
  type SecurityBackend,
} from '../__testUtils__/securityBackend';

/**
 * Issue 14, finding 10: the defaults. The portal policy is least privilege for the other plugins too
 * (registering locations is for admins, deleting an entity for its owners, a scaffolder task is the
 * business of whoever started it); a body over the limit is 413; error bodies carry no stack trace outside
 * development; a publication holds at most `keys.maxLivePerPublication` (default 50) live keys, and one
 * more is a 409 that says so. Through the real HTTP stack (catalog, scaffolder, permission framework).
 */
jest.setTimeout(240_000);

const API = '/api/model-publishing';
const ADMIN = headers.user('user:default/alice'); // admins
const GRACE = headers.user('user:default/grace'); // genai: owns genai/qwen-chat
const FRANK = headers.user('user:default/frank'); // fraud-detection
const MODEL = `${API}/models/local/genai/qwen-chat`;
const rateLimits = { requestsPerMinute: 60 };

const TEMPLATE_YAML = `
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: say-hello
spec:
  owner: group:default/admins
  type: service
  parameters: []
  steps:
    - id: log
      name: Log
      action: debug:log
      input:
        message: hello
`;

/** A stack frame as Node prints one (`at fn (/path/file.ts:12:3)`). */
const STACK_FRAME = /\bat .*\.[jt]s:\d+/;

describe('defaults (finding 10)', () => {
  let b: SecurityBackend;
  let templateRegistered: { status: number };

  const entityUid = async (ref: string) => {
    const [kind, rest] = ref.split(':');
    const [namespace, name] = rest.split('/');
    const res = await b.request
      .get(`/api/catalog/entities/by-name/${kind}/${namespace}/${name}`)
      .set(ADMIN);
    expect(res.status).toBe(200);
    return res.body.metadata.uid as string;
  };

  beforeAll(async () => {
    b = await startSecurityBackend({
      features: [scaffolderPlugin, catalogModuleScaffolderEntityModel],
    });
    b.files.set('/template.yaml', TEMPLATE_YAML);
    await b.waitFor(async () => {
      const res = await b.request.get(MODEL).set(GRACE);
      const res2 = await b.request
        .get('/api/catalog/entities/by-name/component/default/fraud-sklearn')
        .set(FRANK);
      return res.status === 200 && res2.status === 200 ? true : undefined;
    });
    templateRegistered = await b.request
      .post('/api/catalog/locations')
      .set(ADMIN)
      .send({ type: 'url', target: `${b.fileBase}/template.yaml` });
  });
  afterAll(async () => {
    await b?.stop();
  });

  describe('the portal policy for other plugins', () => {
    it('a non-admin cannot register a location (403); an admin can (beforeAll)', async () => {
      const refused = await b.request
        .post('/api/catalog/locations')
        .set(FRANK)
        .send({ type: 'url', target: `${b.fileBase}/other.yaml` });
      expect(refused.status).toBe(403);
      expect(templateRegistered.status).toBe(201);
    });

    it("a non-admin cannot delete another team's entity (403), and it stays", async () => {
      const uid = await entityUid('component:default/qwen-chat');
      const res = await b.request
        .delete(`/api/catalog/entities/by-uid/${uid}`)
        .set(FRANK);
      expect(res.status).toBe(403);
      const still = await b.request
        .get('/api/catalog/entities/by-name/component/default/qwen-chat')
        .set(GRACE);
      expect(still.status).toBe(200);
    });

    it("a user's scaffolder task is readable by them and an admin, not by another user", async () => {
      await b.waitFor(async () => {
        const res = await b.request
          .get('/api/catalog/entities/by-name/template/default/say-hello')
          .set(GRACE);
        if (res.status !== 200)
          throw new Error(
            `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
          );
        return true;
      });
      const started = await b.request
        .post('/api/scaffolder/v2/tasks')
        .set(GRACE)
        .send({ templateRef: 'template:default/say-hello', values: {} });
      expect(started.status).toBe(201);
      const at = `/api/scaffolder/v2/tasks/${started.body.id}`;
      expect((await b.request.get(at).set(GRACE)).status).toBe(200);
      expect((await b.request.get(at).set(ADMIN)).status).toBe(200);
      const other = await b.request.get(at).set(FRANK);
      expect(other.status).toBe(403);
      expect(JSON.stringify(other.body)).not.toContain('say-hello');
    });
  });

  it('a body over the limit is 413 naming the body, and publishes nothing', async () => {
    const res = await b.request
      .post(`${MODEL}/publication`)
      .set(GRACE)
      .send({ rateLimits, description: 'x'.repeat(2_000_000) });
    expect([res.status, res.body.error?.name]).toEqual([
      413,
      'PayloadTooLargeError',
    ]);
    expect(res.body.error.message).toContain('request body');
    const model = await b.request.get(MODEL).set(GRACE);
    expect(model.body.publication).toBeUndefined();
  });

  it('error bodies carry no stack trace outside development', async () => {
    const answers = await Promise.all([
      // 400: a field the API does not know
      b.request
        .post(`${MODEL}/publication`)
        .set(GRACE)
        .send({ rateLimits: { requestsPerSecond: 1 } }),
      // 403, 404, 401
      b.request.post(`${MODEL}/publication`).set(FRANK).send({ rateLimits }),
      b.request.get(`${API}/models/local/genai/no-such-model`).set(GRACE),
      b.request.get(MODEL).set(headers.forged()),
    ]);
    expect(answers.map(r => r.status)).toEqual([400, 403, 404, 401]);
    for (const res of answers) {
      expect(res.body.error?.stack).toBeUndefined();
      expect(JSON.stringify(res.body)).not.toMatch(STACK_FRAME);
    }
  });

  it('a publication holds at most 50 live keys: the 51st is a 409 that says so, and revoking one makes room', async () => {
    const published = await b.request
      .post(`${MODEL}/publication`)
      .set(GRACE)
      .send({ rateLimits, firstKey: { name: 'key-1' } });
    expect(published.status).toBe(201);
    for (let i = 2; i <= 50; i++) {
      const res = await b.request
        .post(`${MODEL}/publication/keys`)
        .set(GRACE)
        .send({ name: `key-${i}` });
      expect([i, res.status]).toEqual([i, 201]);
    }
    const over = await b.request
      .post(`${MODEL}/publication/keys`)
      .set(GRACE)
      .send({ name: 'key-51' });
    expect([over.status, over.body.error?.message]).toEqual([
      409,
      expect.stringContaining(
        'already has 50 live keys, the most it may hold (modelPublishing.keys.maxLivePerPublication = 50)',
      ),
    ]);
    const keys = await b.request.get(`${MODEL}/publication/keys`).set(GRACE);
    expect(keys.body.items).toHaveLength(50);
    const revoked = await b.request
      .delete(`${MODEL}/publication/keys/${keys.body.items[0].id}`)
      .set(GRACE);
    expect(revoked.status).toBeLessThan(300);
    const again = await b.request
      .post(`${MODEL}/publication/keys`)
      .set(GRACE)
      .send({ name: 'key-51' });
    expect(again.status).toBe(201);
  });
});
