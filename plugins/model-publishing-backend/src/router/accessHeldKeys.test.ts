import { dumpAllTables, keyTestDatabases } from '../keys/__testUtils__/db';
import { FRANK, GRACE, PAUL, PAUL_APP } from '../access/__testUtils__/fixture';
import {
  ALICE,
  MODEL,
  type Persona,
  useAccessRoutes,
} from './__testUtils__/accessRoutes';

describe.each(keyTestDatabases())(
  "access routes × personas: the holder's own keys (%s)",
  kind => {
    const h = useAccessRoutes(kind);
    const { call, statuses } = h;

    it("holder's own key: the consumer rotates, revokes and reads its own usage; nobody else (owner, admin, other) may, each denial audited", async () => {
      // Paul's key for his Component, issued at once on the automatic plan; Grace's for herself.
      const trial = (persona: Persona, consumer: string) =>
        call(persona, 'post', `${MODEL}/access-requests`, {
          plan: 'trial',
          purpose: 'Scores card payments at checkout',
          consumer,
        });
      const paul = await trial('requester', PAUL_APP);
      const grace = await trial('other', GRACE);
      expect([paul.status, grace.status]).toEqual([201, 201]);
      const keyId: string = paul.body.issued.key.id;
      const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
      const traffic = (clientId: string, requests: number) => ({
        publicationId: 'pub-1',
        clientId,
        hour,
        requests,
        status401: 0,
        status403: 0,
        status429: 0,
        status5xx: 0,
        inputTokens: 0,
        outputTokens: 0,
      });
      await h.usage.service.recordPulled(
        'test',
        [
          traffic(paul.body.issued.key.clientId, 7),
          traffic(grace.body.issued.key.clientId, 500),
        ],
        new Date(),
      );

      const own = (p: Persona, what: 'usage' | 'rotate' | 'revoke') => {
        if (what === 'usage')
          return call(p, 'get', `/access/keys/${keyId}/usage`);
        if (what === 'rotate')
          return call(p, 'post', `/access/keys/${keyId}/rotate`, {
            gracePeriodHours: 0,
          });
        return call(p, 'delete', `/access/keys/${keyId}`);
      };
      const notHolders = (what: 'usage' | 'rotate' | 'revoke') =>
        statuses({
          owner: () => own('owner', what),
          other: () => own('other', what),
          admin: () => own('admin', what),
          service: () => own('service', what),
          none: () => own('none', what),
        } as never);
      const refused = {
        owner: 403,
        other: 403,
        admin: 403,
        service: 403,
        none: 401,
      };
      for (const what of ['usage', 'rotate', 'revoke'] as const)
        expect(await notHolders(what)).toEqual(refused);
      const denied = await h
        .db('audit_log')
        .where({ outcome: 'denied', key_id: keyId })
        .select('actor', 'action');
      expect(denied).toEqual(
        expect.arrayContaining([
          { actor: FRANK, action: 'usage.read' },
          { actor: GRACE, action: 'key.rotate' },
          { actor: ALICE, action: 'key.revoke' },
        ]),
      );
      expect(
        (await call('requester', 'get', '/access/keys/nope/usage')).status,
      ).toBe(404);

      // Paul's usage is his key's only: 7 requests, not Grace's 500.
      const report = await own('requester', 'usage');
      expect(report.status).toBe(200);
      expect(report.body.totals.requests).toBe(7);
      expect(report.body.keys.map((k: { keyId: string }) => k.keyId)).toEqual([
        keyId,
      ]);
      expect(JSON.stringify(report.body)).not.toContain(
        grace.body.issued.key.id,
      );
      const badRange = await call(
        'requester',
        'get',
        `/access/keys/${keyId}/usage?from=yesterday`,
      );
      expect(badRange.status).toBe(400);
      expect(badRange.body.error.message).toMatch(/from/);

      // Rotation keeps the key his Component's, on its plan; the new key is shown in this response only.
      const rotated = await own('requester', 'rotate');
      expect(rotated.status).toBe(201);
      expect(rotated.headers['cache-control']).toBe('no-store');
      const newId: string = rotated.body.key.id;
      const mine = await call('requester', 'get', '/access/mine');
      expect(
        mine.body.keys.map(
          (k: {
            key: { id: string; status: string };
            consumerRef: string;
            planName: string;
          }) => [k.key.id, k.key.status, k.consumerRef, k.planName],
        ),
      ).toEqual(
        expect.arrayContaining([
          [newId, 'active', PAUL_APP, 'trial'],
          [keyId, 'revoked', PAUL_APP, 'trial'],
        ]),
      );
      expect((await own('requester', 'rotate')).status).toBe(409);

      const revoked = await call(
        'requester',
        'delete',
        `/access/keys/${newId}`,
      );
      expect(revoked.status).toBe(200);
      expect(revoked.body.key.status).toBe('revoked');
      expect(await dumpAllTables(h.db)).not.toContain(rotated.body.secret);
    });

    it('a suspended key cannot be rotated out of its suspension by its holder', async () => {
      const { body } = await call(
        'requester',
        'post',
        `${MODEL}/access-requests`,
        {
          plan: 'trial',
          purpose: 'Scores card payments at checkout',
          consumer: PAUL,
        },
      );
      const keyId: string = body.issued.key.id;
      expect(
        (await call('owner', 'post', `${MODEL}/consumers/${keyId}/suspend`))
          .status,
      ).toBe(200);
      const rotate = await call(
        'requester',
        'post',
        `/access/keys/${keyId}/rotate`,
        {},
      );
      expect(rotate.status).toBe(409);
      expect(rotate.body.error.message).toMatch(/suspended/);
    });
  },
);
