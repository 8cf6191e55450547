import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
import { dumpAllTables, keyTestDatabases } from '../keys/__testUtils__/db';
import { GRACE, PAUL, PAUL_APP } from '../access/__testUtils__/fixture';
import {
  MODEL,
  ENTITY_MODEL,
  type Persona,
  useAccessRoutes,
} from './__testUtils__/accessRoutes';

describe.each(keyTestDatabases())(
  "access routes × personas: plans, requests, owners' lists and decisions (%s)",
  kind => {
    const h = useAccessRoutes(kind);
    const { call, ask, statuses, each } = h;

    it('plans: whoever may read the publication; a service not listed as a reader 403 (router/serviceAccess.ts); no token 401; both address forms', async () => {
      expect(await each(p => call(p, 'get', `${MODEL}/plans`))).toEqual({
        owner: 200,
        requester: 200,
        other: 200,
        admin: 200,
        service: 403,
        none: 401,
      });
      const plans = await call('other', 'get', `${ENTITY_MODEL}/plans`);
      expect(plans.body.items.map((p: { name: string }) => p.name)).toEqual([
        'default',
        'trial',
        'production',
      ]);
    });

    it('request: only for a consumer the caller may act for; services and anonymous callers never; bad input 400 naming the field', async () => {
      expect(await each(p => ask(p))).toEqual({
        owner: 403,
        requester: 201,
        other: 403,
        admin: 403,
        service: 403,
        none: 401,
      });
      const bad = await call('requester', 'post', `${MODEL}/access-requests`, {
        plan: 'production',
        purpose: 'short',
        consumer: PAUL_APP,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/purpose/);
      const unknownField = await call(
        'requester',
        'post',
        `${MODEL}/access-requests`,
        {
          plan: 'production',
          purpose: 'Scores card payments at checkout',
          consumer: PAUL_APP,
          owner: 'me',
        },
      );
      expect(unknownField.status).toBe(400);
      expect(
        Number((await h.db('access_requests').count({ n: '*' }))[0].n),
      ).toBe(1);
    });

    it("owners' lists (requests, consumers, pending across models): owner and admin only; others see nothing", async () => {
      const { body } = await ask('requester');
      expect(
        await each(p => call(p, 'get', `${MODEL}/access-requests`)),
      ).toEqual({
        owner: 200,
        requester: 403,
        other: 403,
        admin: 200,
        service: 403,
        none: 401,
      });
      expect(await each(p => call(p, 'get', `${MODEL}/consumers`))).toEqual({
        owner: 200,
        requester: 403,
        other: 403,
        admin: 200,
        service: 403,
        none: 401,
      });
      const pending = async (p: Persona) =>
        (await call(p, 'get', '/access/requests')).body.items?.map(
          (r: { id: string }) => r.id,
        );
      expect(await pending('owner')).toEqual([body.request.id]);
      expect(await pending('admin')).toEqual([body.request.id]);
      expect(await pending('requester')).toEqual([]);
      expect(await pending('other')).toEqual([]);
      expect((await call('none', 'get', '/access/requests')).status).toBe(401);
      const denied = await h
        .db('audit_log')
        .where({ outcome: 'denied' })
        .select('actor', 'action');
      expect(denied).toEqual(
        expect.arrayContaining([
          { actor: PAUL, action: 'access.approve' },
          { actor: GRACE, action: 'access.approve' },
        ]),
      );
    });

    it('decision: owner or admin only, once; collection: the requester only, once; the key never shows again', async () => {
      const { body } = await ask('requester');
      const decide = (p: Persona) =>
        call(p, 'post', `/access/requests/${body.request.id}/decision`, {
          decision: 'approve',
        });
      expect(
        await statuses({
          requester: () => decide('requester'),
          other: () => decide('other'),
          service: () => decide('service'),
          none: () => decide('none'),
        } as never),
      ).toEqual({
        requester: 403,
        other: 403,
        service: 403,
        none: 401,
      });
      expect(
        (
          await call(
            'owner',
            'post',
            `/access/requests/${body.request.id}/decision`,
            { decision: 'deny' },
          )
        ).status,
      ).toBe(400);
      expect((await decide('owner')).status).toBe(200);
      expect((await decide('admin')).status).toBe(409);

      const collect = (p: Persona) =>
        call(p, 'post', `/access/requests/${body.request.id}/key`);
      expect(
        await statuses({
          owner: () => collect('owner'),
          other: () => collect('other'),
          admin: () => collect('admin'),
          service: () => collect('service'),
          none: () => collect('none'),
        } as never),
      ).toEqual({
        owner: 403,
        other: 403,
        admin: 403,
        service: 403,
        none: 401,
      });
      const issued = await collect('requester');
      expect(issued.status).toBe(201);
      expect(issued.headers['cache-control']).toBe('no-store');
      const secret: string = issued.body.issued.secret;
      expect(secret).toMatch(/^mpk_/);
      expect((await collect('requester')).status).toBe(409);

      // Paul sees it on his pages; frank among the consumers; grace nowhere.
      const mine = await call('requester', 'get', '/access/mine');
      expect(
        mine.body.keys.map((k: { consumerRef: string; planName: string }) => [
          k.consumerRef,
          k.planName,
        ]),
      ).toEqual([[PAUL_APP, 'production']]);
      expect(
        (await call('requester', 'get', `${MODEL}/my-access`)).body.keys,
      ).toHaveLength(1);
      expect((await call('other', 'get', '/access/mine')).body).toEqual({
        keys: [],
        requests: [],
      });
      expect((await call('other', 'get', `${MODEL}/my-access`)).body).toEqual({
        keys: [],
        requests: [],
      });
      expect((await call('none', 'get', '/access/mine')).status).toBe(401);
      expect((await call('service', 'get', '/access/mine')).status).toBe(403);
      // Consumer entity refs for the catalog: users, and the catalog module (a service listed in
      // modelPublishing.serviceReaders, default plugin:catalog); any other service 403, no token never.
      const consumerRefs = {
        items: [{ publicationId: 'pub-1', consumerRefs: [PAUL_APP] }],
      };
      expect((await call('other', 'get', '/access/consumers')).body).toEqual(
        consumerRefs,
      );
      const asCatalog = await request(h.app)
        .get('/access/consumers')
        .set(
          'Authorization',
          mockCredentials.service.header({
            onBehalfOf: mockCredentials.service('plugin:catalog'),
            targetPluginId: 'test',
          }),
        );
      expect(asCatalog.body).toEqual(consumerRefs);
      expect((await call('service', 'get', '/access/consumers')).status).toBe(
        403,
      );
      expect((await call('none', 'get', '/access/consumers')).status).toBe(401);
      const consumers = await call('owner', 'get', `${MODEL}/consumers`);
      expect(
        consumers.body.items.map((k: { consumerRef: string }) => k.consumerRef),
      ).toEqual([PAUL_APP]);

      const keyId = issued.body.issued.key.id;
      const manage = (p: Persona, action: string) =>
        call(p, 'post', `${MODEL}/consumers/${keyId}/${action}`);
      expect(
        await statuses({
          requester: () => manage('requester', 'suspend'),
          other: () => manage('other', 'suspend'),
          service: () => manage('service', 'revoke'),
          none: () => manage('none', 'revoke'),
        } as never),
      ).toEqual({
        requester: 403,
        other: 403,
        service: 403,
        none: 401,
      });
      expect((await manage('owner', 'suspend')).body.suspended).toBe(true);
      expect((await manage('admin', 'resume')).body.suspended).toBe(false);
      expect((await manage('owner', 'revoke')).body.key.status).toBe('revoked');
      expect((await manage('owner', 'pause')).status).toBe(400);

      // The raw key was in one response body only, and nowhere in the database.
      expect(await dumpAllTables(h.db)).not.toContain(secret);
    });
  },
);
