import knexFactory, { type Knex } from 'knex';
import { mockCredentials } from '@backstage/backend-test-utils';
import { CLIENT_ID_HEADER } from '@model-publishing/plugin-model-publishing-common';
import {
  NAMESPACE,
  PluginHarness,
  startPluginHarness,
} from '../__testUtils__/harness';
import { dumpAllTables } from './__testUtils__/db';

jest.setTimeout(120_000);

const auth = {
  Authorization: mockCredentials.user.header('user:default/alice'),
};
const MODEL = `/api/model-publishing/models/default/${NAMESPACE}/sklearn-iris`;
const KEYS = `${MODEL}/publication/keys`;

/**
 * The whole plugin (startTestBackend + emulator): the first key from publish, then key routes,
 * with the Secret and the BackendTrafficPolicy checked in the cluster after every step.
 */
describe('API keys through the plugin', () => {
  let h: PluginHarness;
  let knex: Knex;
  const responses: string[] = [];

  const object = (kind: string, apiVersion: string, name: string) => {
    const type = (h.emulator.api as any).registry.forKind(apiVersion, kind);
    return h.emulator.api.get(type, NAMESPACE, name) as any;
  };
  const secretKeys = (): Record<string, string> =>
    Object.fromEntries(
      Object.entries(
        (object('Secret', 'v1', 'sklearn-iris-mp-keys').data ?? {}) as Record<
          string,
          string
        >,
      ).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
  const exactRuleClients = (): string[] => {
    const btp = object(
      'BackendTrafficPolicy',
      'gateway.envoyproxy.io/v1alpha1',
      'sklearn-iris-mp',
    );
    const rules: any[] = btp.spec.rateLimit?.global?.rules ?? [];
    // Clients with rules of their own: an Exact match, or a rotated pair's one shared
    // RegularExpression rule `^(?:a|b)$` (one budget for both during the grace period).
    return [
      ...new Set(
        rules
          .flatMap(r => r.clientSelectors?.[0]?.headers ?? [])
          .filter((m: any) => m.name === CLIENT_ID_HEADER && !m.invert)
          .flatMap((m: any) => {
            if (m.type === 'Exact') return [m.value];
            if (m.type !== 'RegularExpression') return [];
            return m.value.replace(/^\^\(\?:|\)\$$/g, '').split('|');
          }),
      ),
    ].sort() as string[];
  };

  beforeAll(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    h = await startPluginHarness({ knex });
  });
  afterAll(async () => {
    await h?.stop();
    await knex?.destroy();
  });

  it('issues, rotates and revokes keys; the Secret and limits follow; no key leaks', async () => {
    const published = await h.request
      .post(`${MODEL}/publication`)
      .set(auth)
      .send({
        rateLimits: { requestsPerMinute: 60 },
        firstKey: { name: 'ci' },
      });
    expect(published.status).toBe(201);
    responses.push(published.text);
    const first = published.body.key;
    expect(secretKeys()).toEqual({ [first.key.clientId]: first.secret });

    const batch = await h.request
      .post(KEYS)
      .set(auth)
      .send({ name: 'batch', rateLimits: { requestsPerMinute: 600 } });
    expect(batch.status).toBe(201);
    responses.push(batch.text);
    expect(secretKeys()).toEqual({
      [first.key.clientId]: first.secret,
      [batch.body.key.clientId]: batch.body.secret,
    });
    // The per-key limit reached the gateway: the policy was rebuilt with an Exact rule for it.
    expect(exactRuleClients()).toEqual([batch.body.key.clientId]);

    const rotatedFirst = await h.request
      .post(`${KEYS}/${first.key.id}/rotate`)
      .set(auth)
      .send({ gracePeriodHours: 0 });
    expect(rotatedFirst.status).toBe(201);
    responses.push(rotatedFirst.text);
    expect(Object.keys(secretKeys()).sort()).toEqual(
      [rotatedFirst.body.key.clientId, batch.body.key.clientId].sort(),
    );

    const rotatedBatch = await h.request
      .post(`${KEYS}/${batch.body.key.id}/rotate`)
      .set(auth)
      .send({});
    expect(rotatedBatch.status).toBe(201);
    responses.push(rotatedBatch.text);
    expect(rotatedBatch.body.previous.status).toBe('grace');
    expect(Object.keys(secretKeys())).toHaveLength(3);
    expect(exactRuleClients()).toEqual(
      [batch.body.key.clientId, rotatedBatch.body.key.clientId].sort(),
    );
    // …in one shared rule per window: the rotation does not double the key's budget.
    const btpRules: any[] = object(
      'BackendTrafficPolicy',
      'gateway.envoyproxy.io/v1alpha1',
      'sklearn-iris-mp',
    ).spec.rateLimit.global.rules;
    expect(
      btpRules.filter(
        r => r.clientSelectors[0].headers[0].type === 'RegularExpression',
      ).length,
    ).toBeGreaterThan(0);
    expect(
      btpRules.some(r =>
        r.clientSelectors[0].headers.some(
          (m: any) =>
            m.type === 'Exact' &&
            !m.invert &&
            m.value === rotatedBatch.body.key.clientId,
        ),
      ),
    ).toBe(false);

    const revoked = await h.request
      .delete(`${KEYS}/${batch.body.key.id}`)
      .set(auth);
    expect(revoked.status).toBe(200);
    responses.push(revoked.text);
    expect(secretKeys()).toEqual({
      [rotatedFirst.body.key.clientId]: rotatedFirst.body.secret,
      [rotatedBatch.body.key.clientId]: rotatedBatch.body.secret,
    });
    expect(exactRuleClients()).toEqual([rotatedBatch.body.key.clientId]);

    const listed = await h.request.get(KEYS).set(auth);
    expect(listed.status).toBe(200);
    responses.push(listed.text);
    expect(listed.body.items.map((k: any) => k.status).sort()).toEqual([
      'active',
      'active',
      'revoked',
      'revoked',
    ]);
    const conflict = await h.request
      .post(KEYS)
      .set(auth)
      .send({ name: 'batch' });
    expect(conflict.status).toBe(409);
    responses.push(conflict.text);

    const unpublished = await h.request
      .delete(`${MODEL}/publication`)
      .set(auth);
    expect(unpublished.status).toBe(200);
    responses.push(unpublished.text);
    const after = await h.request.get(KEYS).set(auth);
    responses.push(after.text);
    expect(after.body.items.every((k: any) => k.status === 'revoked')).toBe(
      true,
    );

    const secrets = [
      first.secret,
      batch.body.secret,
      rotatedFirst.body.secret,
      rotatedBatch.body.secret,
    ];
    for (const s of secrets) {
      expect(responses.filter(r => r.includes(s))).toHaveLength(1);
    }
    const dump = await dumpAllTables(knex);
    expect(dump).toContain(first.key.id);
    for (const s of secrets) {
      expect(
        dump.includes(s) || dump.includes(Buffer.from(s).toString('base64')),
      ).toBe(false);
    }
    const audit = await knex('audit_log').whereLike('action', 'key.%');
    expect(audit.map(a => a.action).sort()).toEqual([
      'key.create',
      'key.create',
      'key.revoke',
      'key.revoke',
      'key.revoke',
      'key.rotate',
      'key.rotate',
    ]);
  });
});
