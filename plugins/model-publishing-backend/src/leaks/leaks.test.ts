import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import type { Knex } from 'knex';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { AuditLog } from '../audit/AuditLog';
import { AccessStore } from '../access/AccessStore';
import {
  accessFixture,
  FRANK,
  PAUL,
  PAUL_APP,
  SECRET,
  type AccessFixture,
} from '../access/__testUtils__/fixture';
import {
  createKeyTestDb,
  dumpAllTables,
  keyTestDatabases,
} from '../keys/__testUtils__/db';
import { captureAuditor, captureLogger } from '../keys/__testUtils__/fakes';
import { checksumOf, hashApiKey } from '../keys/keyFormat';
import { RouteContext } from '../router/context';
import { jsonBodyParser } from '../router/faultAnswers';
import { registerLeakRoutes } from '../router/leaks';
import type { RouterDeps } from '../router/types';
import { createOpenApiRouter } from '../schema/openapi.generated';
import type { SecretScanningConfig } from '../config';
import { createLeaks, type LeakNotice } from '.';

jest.setTimeout(60_000);

const ADMIN = 'user:default/alice';
const KEY_ID =
  'f9525bf080f75b3506ca1ead061add62b8633a346606dc5fe544e29231c6ee0d';

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
  });
  return {
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey,
  };
}

/** What GitHub does: ECDSA P-256 / SHA-256 over the exact body bytes, DER, base64. */
function signBody(body: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(body), {
    key: privateKey,
    dsaEncoding: 'der',
  }).toString('base64');
}

describe.each(keyTestDatabases())('leaked keys (%s)', kind => {
  let db: Knex;
  let close: () => Promise<void>;
  let f: AccessFixture;
  let app: express.Express;
  let notices: LeakNotice[];
  let audit: ReturnType<typeof captureAuditor>;
  const signer = keyPair();
  const fetched = keyPair();
  let fetches: number;

  const setup = async (settings: Partial<SecretScanningConfig> = {}) => {
    const logger = captureLogger();
    audit = captureAuditor();
    const auditLog = new AuditLog(db, audit);
    notices = [];
    fetches = 0;
    const reapplied: string[] = [];
    const leaks = createLeaks({
      db,
      settings: {
        enabled: true,
        action: 'revoke',
        publicKeys: [{ keyIdentifier: KEY_ID, key: signer.pem }],
        publicKeysUrl:
          'https://keys.example.test/meta/public_keys/secret_scanning',
        refreshMinutes: 60,
        ...settings,
      },
      publications: f.publications,
      revoke: (input, who) => f.keys.revoke(input, who),
      suspend: async key => {
        if (await new AccessStore(db).suspend(key.id, new Date()))
          reapplied.push(key.publicationId);
      },
      recipientsOf: async ref => (ref === PAUL_APP ? [PAUL] : [ref]),
      auditLog,
      logger,
      notifier: { keyLeaked: async n => void notices.push(n) },
      fetch: (async () => {
        fetches++;
        return new Response(
          JSON.stringify({
            public_keys: [
              {
                key_identifier: 'rotated-key',
                key: fetched.pem,
                is_current: true,
              },
            ],
          }),
          { status: 200, headers: { 'content-type': 'application/json' } },
        );
      }) as typeof fetch,
    });
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async (requests, options) => {
      const p = options?.credentials.principal as {
        type: string;
        userEntityRef?: string;
      };
      return requests.map(() => ({
        result:
          p.type === 'user' && p.userEntityRef === ADMIN
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      })) as any;
    });
    const ctx = new RouteContext({
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.none(),
      }),
      auth: mockServices.auth(),
      permissions,
      catalog: catalogServiceMock({ entities: [] }),
      auditLog,
      logger,
      resolveClusterName: () => 'default',
      defaultCluster: 'default',
      serviceSubjects: { readers: [], ingest: [] },
    });
    const router = createOpenApiRouter({ middleware: [jsonBodyParser()] });
    registerLeakRoutes(router, {
      ctx,
      auth: mockServices.auth(),
      auditLog,
      leaks,
    } as unknown as RouterDeps);
    app = express();
    app.use(router);
    app.use(
      MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger,
      }).error(),
    );
    return { reapplied, logger };
  };

  beforeEach(async () => {
    ({ db, close } = await createKeyTestDb(kind));
    f = await accessFixture(db);
  });
  afterEach(async () => close());

  const issue = async (name = 'ci') =>
    f.keys.create({ publicationId: 'pub-1', name }, { actor: FRANK });
  const report = (body: string, signature: string, keyId = KEY_ID) =>
    request(app)
      .post('/secret-scanning/github')
      .set('Content-Type', 'application/json')
      .set('Github-Public-Key-Identifier', keyId)
      .set('Github-Public-Key-Signature', signature)
      .send(body);
  const findings = (...tokens: string[]) =>
    JSON.stringify(
      tokens.map(token => ({
        token,
        type: 'model_publishing_api_key',
        url: 'https://github.com/octo/app/blob/abc/.env',
        source: 'content',
      })),
    );

  it('a signed report of a live key revokes it within the request, audits it, tells holder and owners, and answers per token', async () => {
    await setup();
    const { key, secret } = await issue();
    expect(Object.values(f.secrets.keys(SECRET))).toContain(secret);
    const body = findings(secret);
    const res = await report(body, signBody(body, signer.privateKey));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        token_hash: hashApiKey(secret),
        token_type: 'model_publishing_api_key',
        label: 'true_positive',
      },
    ]);
    // Revoked in the database and gone from the gateway's Secret before the answer.
    expect(
      (await f.keys.list('pub-1')).find(k => k.id === key.id)?.status,
    ).toBe('revoked');
    expect(Object.values(f.secrets.keys(SECRET))).not.toContain(secret);
    expect(notices).toEqual([
      {
        recipients: [FRANK, 'group:default/fraud-detection'],
        keyName: 'ci',
        modelTitle: 'ml/fraud-sklearn',
        action: 'revoked',
        foundAt: 'https://github.com/octo/app/blob/abc/.env',
        reportedBy: 'github-secret-scanning',
      },
    ]);
    const rows = await db('audit_log').where({ action: 'key.leak' });
    expect(rows).toEqual([
      expect.objectContaining({
        actor: 'github-secret-scanning',
        key_id: key.id,
        outcome: 'succeeded',
        publication_id: 'pub-1',
      }),
    ]);
    // The raw key is nowhere: not in a table, the audit events or the answer.
    const dump = await dumpAllTables(db);
    expect(dump).not.toContain(secret);
    expect(audit.events.join('\n')).not.toContain(secret);
    expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  it('a bad signature is 401 and changes nothing; so are a missing header and an unknown key id', async () => {
    await setup();
    const { secret } = await issue();
    const body = findings(secret);
    const before = await dumpAllTables(db);
    const forged = signBody(body, keyPair().privateKey);
    const tampered = signBody(
      body.replace('content', 'commit'),
      signer.privateKey,
    );
    expect((await report(body, forged)).status).toBe(401);
    expect((await report(body, tampered)).status).toBe(401);
    expect((await report(body, 'not base64 !')).status).toBe(401);
    expect(
      (await report(body, signBody(body, signer.privateKey), 'unknown-key'))
        .status,
    ).toBe(401);
    const missing = await request(app)
      .post('/secret-scanning/github')
      .set('Content-Type', 'application/json')
      .send(body);
    expect(missing.status).toBe(401);
    expect(await dumpAllTables(db)).toEqual(before);
    expect(Object.values(f.secrets.keys(SECRET))).toContain(secret);
    expect(notices).toEqual([]);
  });

  it('look-alikes (wrong checksum, wrong prefix) and unknown well-formed tokens are false positives and touch nothing', async () => {
    await setup();
    const { secret } = await issue();
    const body32 = secret.slice(4, 36);
    const wrongChecksum = `mpk_${body32}${
      checksumOf(body32) === 'AAAAAA' ? 'AAAAAB' : 'AAAAAA'
    }`;
    const otherPrefix = `mpx_${secret.slice(4)}`;
    const unknownBody = 'Z'.repeat(32);
    const unknown = `mpk_${unknownBody}${checksumOf(unknownBody)}`;
    const body = findings(wrongChecksum, otherPrefix, unknown);
    const res = await report(body, signBody(body, signer.privateKey));
    expect(res.status).toBe(200);
    expect(res.body.map((v: { label: string }) => v.label)).toEqual([
      'false_positive',
      'false_positive',
      'false_positive',
    ]);
    expect(res.body[0].token_hash).toBe(hashApiKey(wrongChecksum));
    expect(Object.values(f.secrets.keys(SECRET))).toContain(secret);
    expect(await db('leaked_keys').select()).toEqual([]);
    expect(notices).toEqual([]);
  });

  it('a replayed report is idempotent: same verdicts, one revocation, one audit row, one notice', async () => {
    await setup();
    const { secret } = await issue();
    const body = findings(secret);
    const signature = signBody(body, signer.privateKey);
    const first = await report(body, signature);
    const second = await report(body, signature);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(await db('audit_log').where({ action: 'key.leak' })).toHaveLength(1);
    expect(await db('audit_log').where({ action: 'key.revoke' })).toHaveLength(
      1,
    );
    expect(notices).toHaveLength(1);
  });

  it('signing keys come from the configured URL too, fetched once and cached; an unknown id refetches at most once a minute', async () => {
    await setup();
    const { secret } = await issue();
    const body = findings(secret);
    expect(
      (await report(body, signBody(body, fetched.privateKey), 'rotated-key'))
        .status,
    ).toBe(200);
    expect(fetches).toBe(1);
    expect(
      (await report(body, signBody(body, fetched.privateKey), 'rotated-key'))
        .status,
    ).toBe(200);
    expect(
      (await report(body, signBody(body, fetched.privateKey), 'nobody')).status,
    ).toBe(401);
    expect(fetches).toBe(1);
  });

  it('action suspend keeps the key in the Secret with a zero-request rule and tells the consumer', async () => {
    const { reapplied } = await setup({ action: 'suspend' });
    const { key, secret } = await issue();
    await db('api_keys')
      .where({ id: key.id })
      .update({ consumer_ref: PAUL_APP });
    const body = findings(secret);
    expect((await report(body, signBody(body, signer.privateKey))).status).toBe(
      200,
    );
    const row = await db('api_keys').where({ id: key.id }).first();
    expect(row.suspended_at).not.toBeNull();
    expect(row.revoked_at).toBeNull();
    expect(JSON.parse(row.rate_limits)).toEqual({ requestsPerMinute: 0 });
    expect(reapplied).toEqual(['pub-1']);
    expect(Object.values(f.secrets.keys(SECRET))).toContain(secret);
    expect(notices[0]).toMatchObject({
      recipients: [PAUL, 'group:default/fraud-detection'],
      action: 'suspended',
    });
  });

  it('disabled: 404 whatever the signature', async () => {
    await setup({ enabled: false });
    const body = findings('mpk_x');
    expect((await report(body, signBody(body, signer.privateKey))).status).toBe(
      404,
    );
  });

  it('admins report a key by hand (by token or id); others 403 and audited; bad input 400 naming the field; unknown 404', async () => {
    await setup();
    const { key, secret } = await issue();
    const as = (user: string) => `Bearer ${mockCredentials.user.token(user)}`;
    const denied = await request(app)
      .post('/keys/leaked')
      .set('Authorization', as(FRANK))
      .send({ keyId: key.id });
    expect(denied.status).toBe(403);
    expect(
      await db('audit_log').where({ action: 'key.leak', outcome: 'denied' }),
    ).toHaveLength(1);
    expect(
      (await request(app).post('/keys/leaked').send({ keyId: key.id })).status,
    ).toBe(401);
    const both = await request(app)
      .post('/keys/leaked')
      .set('Authorization', as(ADMIN))
      .send({ keyId: key.id, token: secret });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/token, keyId/);
    const extra = await request(app)
      .post('/keys/leaked')
      .set('Authorization', as(ADMIN))
      .send({ key: secret });
    expect(extra.status).toBe(400);
    expect(JSON.stringify(extra.body)).not.toContain(secret);
    const unknown = await request(app)
      .post('/keys/leaked')
      .set('Authorization', as(ADMIN))
      .send({ keyId: 'nope' });
    expect(unknown.status).toBe(404);
    const ok = await request(app)
      .post('/keys/leaked')
      .set('Authorization', as(ADMIN))
      .send({ token: secret, url: 'https://chat.example/msg/1' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      keyId: key.id,
      action: 'revoked',
      replay: false,
    });
    expect(Object.values(f.secrets.keys(SECRET))).not.toContain(secret);
    const again = await request(app)
      .post('/keys/leaked')
      .set('Authorization', as(ADMIN))
      .send({ keyId: key.id });
    expect(again.body).toEqual({
      keyId: key.id,
      action: 'revoked',
      replay: true,
    });
    expect(notices).toHaveLength(1);
    expect(notices[0].reportedBy).toBe(ADMIN);
  });
});
